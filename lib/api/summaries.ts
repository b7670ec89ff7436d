// What a collection listing (GET /v2/accounts/{id}/{collection}) shows of each document: the
// fields Crossbar's list views show, so UIs and scripts can list without fetching every document.
import type { DocCollection, StoredDoc } from './documents.ts';

type Summarise = (doc: StoredDoc) => Record<string, unknown>;

function pick(doc: StoredDoc, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: doc._id };
  for (const f of fields) if (Object.hasOwn(doc, f) && doc[f] !== undefined) out[f] = doc[f];
  return out;
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const FIELDS: Record<DocCollection, readonly string[]> = {
  callflows: ['name', 'numbers', 'patterns', 'featurecode', 'type', 'owner_id', 'group_id', 'flags'],
  devices: ['name', 'device_type', 'enabled', 'owner_id', 'mac_address', 'flags'],
  users: ['first_name', 'last_name', 'username', 'email', 'priv_level', 'presence_id', 'enabled', 'flags'],
  groups: ['name', 'flags'],
  menus: ['name', 'flags'],
  temporal_rules: ['name', 'cycle', 'enabled', 'flags'],
  temporal_rules_sets: ['name', 'temporal_rules', 'flags'],
  vmboxes: ['name', 'mailbox', 'owner_id', 'flags'],
  media: ['name', 'description', 'media_source', 'language', 'streamable', 'flags'],
  directories: ['name', 'flags'],
  conferences: ['name', 'owner_id', 'conference_numbers', 'flags'],
  resources: ['name', 'enabled', 'emergency', 'weight_cost', 'rules', 'flags'],
  faxboxes: ['name', 'owner_id', 'caller_id', 'flags'],
};

const EXTRA: Partial<Record<DocCollection, (doc: StoredDoc, out: Record<string, unknown>) => void>> = {
  callflows: (doc, out) => {
    const flow = obj(doc.flow);
    if (typeof flow.module === 'string') out.modules = [flow.module];
  },
  devices: (doc, out) => {
    const sip = obj(doc.sip);
    if (typeof sip.username === 'string') out.username = sip.username;
  },
  groups: (doc, out) => {
    out.endpoints = Object.keys(obj(doc.endpoints)).length;
  },
  media: (doc, out) => {
    out.has_audio = typeof doc.file === 'string';
  },
};

/** Projection that fetches only what the summary needs. */
export function summaryProjection(collection: DocCollection): Record<string, 1> {
  const p: Record<string, 1> = { _id: 1 };
  for (const f of FIELDS[collection]) p[f] = 1;
  if (collection === 'callflows') p['flow.module'] = 1;
  if (collection === 'devices') p['sip.username'] = 1;
  if (collection === 'groups') p.endpoints = 1;
  if (collection === 'media') p.file = 1;
  return p;
}

export const summarise: Record<DocCollection, Summarise> = Object.fromEntries(
  (Object.keys(FIELDS) as DocCollection[]).map((c) => [
    c,
    (doc: StoredDoc) => {
      const out = pick(doc, FIELDS[c]);
      EXTRA[c]?.(doc, out);
      return out;
    },
  ]),
) as Record<DocCollection, Summarise>;
