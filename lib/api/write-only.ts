// Secrets kept inside lists of a document that the API never shows: carrier gateway passwords and
// post-call webhook secrets. GET, listings and exports show a flag (`has_password: true`) in their place,
// and an update that leaves one out keeps the stored value as long as the item still names the same
// target, so a client can GET, edit and POST a document without knowing its secrets.
type Doc = Record<string, unknown>;

interface ListSecret {
  /** The document field holding the list. */
  list: string;
  /** The secret field of each item. */
  field: string;
  /** Shown instead of it. */
  flag: string;
  /** Whether an edited item is the stored one (so it may keep that one's secret). */
  same(edited: Doc, stored: Doc): boolean;
}

const SECRETS: Record<string, ListSecret> = {
  resources: {
    list: 'gateways',
    field: 'password',
    flag: 'has_password',
    same: (a, b) => a.server === b.server && (a.username ?? '') === (b.username ?? ''),
  },
  callflows: { list: 'post_call_webhooks', field: 'secret', flag: 'has_secret', same: (a, b) => a.url === b.url },
};

const isDoc = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A copy of `doc` with the collection's list secrets replaced by their flag. */
export function hideSecrets(collection: string, doc: Doc): Doc {
  const spec = SECRETS[collection];
  const items = spec && doc[spec.list];
  if (!spec || !Array.isArray(items)) return doc;
  return {
    ...doc,
    [spec.list]: items.map((item) => {
      if (!isDoc(item)) return item;
      const { [spec.field]: secret, ...rest } = item;
      return typeof secret === 'string' && secret !== '' ? { ...rest, [spec.flag]: true } : rest;
    }),
  };
}

/** Drops the flags from `fields` (as read back from GET) and puts stored secrets back into items that omit theirs. */
export function keepSecrets(collection: string, fields: Doc, current: Doc): void {
  const spec = SECRETS[collection];
  if (!spec || !Array.isArray(fields[spec.list])) return;
  const before = Array.isArray(current[spec.list]) ? (current[spec.list] as unknown[]).filter(isDoc) : [];
  for (const item of (fields[spec.list] as unknown[]).filter(isDoc)) {
    delete item[spec.flag];
    if (item[spec.field] !== undefined) continue;
    const stored = before.find((b) => spec.same(item, b) && typeof b[spec.field] === 'string');
    if (stored) item[spec.field] = stored[spec.field];
  }
}

/** Drops the flags from a new document's items (a GET of another document posted as a new one). */
export function dropSecretFlags(collection: string, fields: Doc): void {
  keepSecrets(collection, fields, {});
}
