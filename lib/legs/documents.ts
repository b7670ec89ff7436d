// The parts of Kazoo's device, user, account and group documents that decide how a call rings them
// (reference §3.1, §3.2, §3.7), read defensively: imported documents carry strings for booleans, empty
// strings for "unset", and fields of other Kazoo versions.

export type Doc = Record<string, unknown> & { _id: string };

export function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A non-empty string (numbers become strings), else undefined. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function isTrue(v: unknown): boolean {
  return v === true || v === 'true';
}

export function isFalse(v: unknown): boolean {
  return v === false || v === 'false';
}

/** A boolean field with a default for absent or unreadable values. */
export function flag(v: unknown, fallback: boolean): boolean {
  return isTrue(v) ? true : isFalse(v) ? false : fallback;
}

/** An integer field (strings accepted), else the fallback. */
export function int(v: unknown, fallback: number): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/** A document that behaves as absent (Kazoo: soft-deleted, or `enabled: false`). */
export function isUsable(doc: Record<string, unknown> | undefined): doc is Doc {
  return !!doc && !isTrue(doc.pvt_deleted) && !isFalse(doc.enabled);
}

/**
 * Who a device belongs to: the users hot-desked on it when there are any, else its owner (reference §3.2:
 * a hot-desked device stops ringing for its permanent owner).
 */
export function ownersOf(device: Record<string, unknown>): string[] {
  const hotdesked = Object.keys(obj(obj(device.hotdesk)?.users) ?? {});
  if (hotdesked.length) return hotdesked;
  const owner = text(device.owner_id);
  return owner ? [owner] : [];
}
