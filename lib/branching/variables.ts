// Call variables as Kazoo's branch_variable sees them, and the channel variables modules leave for
// later legs. Kazoo keeps "custom channel variables" (CCVs) on the call: set_variable writes one
// (Call-Priority, Group-ID), set_variables writes the CAVs, and the call itself carries Account-ID,
// Authorizing-ID, Owner-ID… branch_variable reads them with normalised keys (lower case, `-` → `_`).
import type { CallContext } from '../engine/module.ts';

/** ctx.attributes key of the CCVs set_variable wrote (Kazoo names, e.g. `Call-Priority`). */
export const CCV_KEY = 'ccv';
/** ctx.attributes key of channel variables to put on legs created later (name → value). */
export const EXPORT_KEY = 'export_variables';

/** kz_json:normalize_key: lower case, `-` → `_`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/-/g, '_');
}

/** Keys of an object (recursively) normalised, like kz_json:normalize. */
export function normalizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [normalizeKey(k), normalizeKeys(v)]));
  }
  return value;
}

/**
 * A variable name or key path as branch_variable takes it: a string is one key, an array a path
 * (empty parts dropped). Kazoo also reverses an array path (a defect: ["a","b"] reads b.a); we read
 * it in the order written, which is what the documentation and users expect.
 */
export function variablePath(variable: unknown, normalize: boolean): string[] | undefined {
  const fix = (k: string) => (normalize ? normalizeKey(k) : k);
  if (typeof variable === 'string') return variable === '' ? undefined : [fix(variable)];
  if (Array.isArray(variable)) {
    const parts = variable.filter((v): v is string => typeof v === 'string' && v !== '').map(fix);
    return parts.length ? parts : undefined;
  }
  return undefined;
}

export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * A looked-up value as a child key (kz_term:to_binary): strings as they are, numbers and booleans
 * printed; empty strings, objects, arrays and null give no key.
 */
export function valueAsKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** A CAV value as stored: strings kept, numbers/booleans printed, anything else refused. */
export function cavValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** The call's CCVs (normalised keys): its identifiers, set_variable's values and the CAVs. */
export function customChannelVars(ctx: CallContext): Record<string, unknown> {
  const a = ctx.attributes;
  const base: Record<string, unknown> = { account_id: ctx.accountId };
  if (ctx.callflowId) base.callflow_id = ctx.callflowId;
  if (typeof a.device_id === 'string') {
    base.authorizing_id = a.device_id;
    base.authorizing_type = 'device';
  }
  if (typeof a.owner_id === 'string') base.owner_id = a.owner_id;
  const ccv = a[CCV_KEY] && typeof a[CCV_KEY] === 'object' ? (a[CCV_KEY] as Record<string, unknown>) : {};
  return normalizeKeys({ ...base, ...ccv, ...ctx.cav }) as Record<string, unknown>;
}

/** Records a channel variable (Asterisk name, without the `__` inheritance prefix) for later legs. */
export function exportVariable(ctx: CallContext, name: string, value: string): void {
  const held = ctx.attributes[EXPORT_KEY];
  const vars = held && typeof held === 'object' ? (held as Record<string, string>) : {};
  vars[name] = value;
  ctx.attributes[EXPORT_KEY] = vars;
}

/** Channel variables later legs should carry (for the modules that create legs). */
export function exportedVariables(ctx: CallContext): Record<string, string> {
  const held = ctx.attributes[EXPORT_KEY];
  return held && typeof held === 'object' ? { ...(held as Record<string, string>) } : {};
}

/** Asterisk variable name of a CAV: Kazoo's media-server prefix `cav_` (kept by CDR/CEL). */
export function cavChannelVariable(name: string): string {
  return `cav_${name}`;
}

/** Asterisk's inheritance prefix: `__NAME` is copied onto every channel created from this one. */
export function inherited(name: string): string {
  return `__${name}`;
}
