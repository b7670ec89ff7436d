// The ids a stored document points at (users, devices, menus, rules, media…), with the field path
// of each, so the API can report dangling references on save and on import.
// Only collections the API stores are reported: match lists, faxboxes, ACD queues and stored
// functions live elsewhere, and media references are reported only when they are bare media ids.
import type { Collection } from './documents/index.ts';
import { isPlainObject, walkFlow } from './flow-walk.ts';
import { joinPath } from './errors.ts';

export interface DocumentReference {
  /** Where the id must exist… */
  collection: Collection;
  id: string;
  /** …dotted path of the field (or map key) that holds it, e.g. `flow.children._.data.id`. */
  path: string;
  /** …or in one of these instead (temporal_route lists rules and rule sets together). */
  alternatives?: Collection[];
}

type Add = (collection: Collection, value: unknown, key: string, alternatives?: Collection[]) => void;
/** `add` resolves keys inside the node's data; `addAtNode` keys relative to the node itself. */
type Extract = (data: Record<string, unknown>, add: Add, node: Record<string, unknown>, addAtNode: Add) => void;

const MEDIA_ID = /^[0-9a-f]{32}$/i;

function addMedia(add: Add, value: unknown, key: string): void {
  if (typeof value === 'string' && MEDIA_ID.test(value)) add('media', value, key);
}

function obj(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

const MEMBER_COLLECTION: Record<string, Collection> = { user: 'users', group: 'groups', device: 'devices' };

function memberCollection(type: unknown): Collection {
  return (typeof type === 'string' && Object.hasOwn(MEMBER_COLLECTION, type) && MEMBER_COLLECTION[type]) || 'devices';
}

/** ring_group / page_group / legacy group member lists. */
function endpoints(data: Record<string, unknown>, add: Add): void {
  list(data.endpoints).forEach((m, i) => {
    if (typeof m === 'string') add('devices', m, `endpoints.${i}`);
    else if (isPlainObject(m)) add(memberCollection(m.endpoint_type), m.id, `endpoints.${i}.id`);
  });
}

function scopeIds(data: Record<string, unknown>, add: Add): void {
  add('devices', data.device_id, 'device_id');
  add('users', data.user_id, 'user_id');
  add('groups', data.group_id, 'group_id');
  add('devices', data.approved_device_id, 'approved_device_id');
  add('users', data.approved_user_id, 'approved_user_id');
  add('groups', data.approved_group_id, 'approved_group_id');
}

function recipients(data: Record<string, unknown>, add: Add): void {
  list(data.recipients).forEach((r, i) => {
    if (!isPlainObject(r) || r.type !== 'user') return;
    if (Array.isArray(r.id)) r.id.forEach((id, j) => add('users', id, `recipients.${i}.id.${j}`));
    else add('users', r.id, `recipients.${i}.id`);
  });
}

const RULE_ID = /^[0-9a-f]{32}$/i;

// What each module's data refers to; modules not listed refer to nothing we store.
const MODULE_REFERENCES: Record<string, Extract> = {
  user: (d, add) => add('users', d.id, 'id'),
  device: (d, add) => add('devices', d.id, 'id'),
  callflow: (d, add) => add('callflows', d.id, 'id'),
  menu: (d, add) => add('menus', d.id, 'id'),
  voicemail: (d, add) => add('vmboxes', d.id, 'id'),
  directory: (d, add) => add('directories', d.id, 'id'),
  hotdesk: (d, add) => add('users', d.id, 'id'),
  do_not_disturb: (d, add) => add('users', d.id, 'id', ['devices']),
  check_cid: (d, add) => add('users', d.user_id, 'user_id'),
  receive_fax: (d, add) => add('users', d.owner_id, 'owner_id'),
  ring_group_toggle: (d, add) => add('callflows', d.callflow_id, 'callflow_id'),
  ring_group: (d, add) => {
    endpoints(d, add);
    addMedia(add, d.ringback, 'ringback');
  },
  page_group: (d, add) => endpoints(d, add),
  group: (d, add) => {
    add('groups', d.id, 'id');
    endpoints(d, add);
    addMedia(add, d.ringback, 'ringback');
  },
  temporal_route: (d, add, node, addAtNode) => {
    list(d.rules).forEach((id, i) => add('temporal_rules', id, `rules.${i}`, ['temporal_rules_sets']));
    add('temporal_rules_sets', d.rule_set, 'rule_set');
    // Child keys that look like document ids are rule (or rule-set) ids too (SmartPBX writes them so).
    const children = obj(node.children);
    for (const key of Object.keys(children)) {
      if (RULE_ID.test(key)) addAtNode('temporal_rules', key, `children.${key}`, ['temporal_rules_sets']);
    }
  },
  conference: (d, add) => {
    add('conferences', d.id, 'id');
    addMedia(add, obj(d.welcome_prompt).media_id, 'welcome_prompt.media_id');
  },
  conference_feature: (d, add) => addMedia(add, obj(d.welcome_prompt).media_id, 'welcome_prompt.media_id'),
  group_pickup: scopeIds,
  group_pickup_feature: scopeIds,
  intercept: scopeIds,
  intercept_feature: scopeIds,
  eavesdrop: scopeIds,
  eavesdrop_feature: scopeIds,
  play: (d, add) => addMedia(add, d.id, 'id'),
  response: (d, add) => addMedia(add, d.media, 'media'),
  resources: (d, add) => addMedia(add, d.ringback, 'ringback'),
  offnet: (d, add) => addMedia(add, d.ringback, 'ringback'),
  dynamic_cid: (d, add) => addMedia(add, d.media_id, 'media_id'),
  audio_macro: (d, add) =>
    list(d.macros).forEach((m, i) => {
      if (isPlainObject(m) && m.macro === 'play') addMedia(add, m.id, `macros.${i}.id`);
    }),
  missed_call_alert: recipients,
  notification: recipients,
};

function collector(out: DocumentReference[], prefix: string): Add {
  return (collection, value, key, alternatives) => {
    if (typeof value !== 'string' || value === '') return;
    out.push({ collection, id: value, path: joinPath(prefix, key), ...(alternatives ? { alternatives } : {}) });
  };
}

function callflowReferences(doc: Record<string, unknown>, out: DocumentReference[]): void {
  const add = collector(out, '');
  addMedia(add, obj(doc.ringback).early, 'ringback.early');
  addMedia(add, obj(doc.ringback).transfer, 'ringback.transfer');
  add('users', doc.owner_id, 'owner_id');
  add('groups', doc.group_id, 'group_id');
  for (const event of walkFlow(doc.flow, 'flow')) {
    if (event.kind === 'limit') break;
    const node = event.node;
    if (!isPlainObject(node) || typeof node.module !== 'string') continue;
    if (!Object.hasOwn(MODULE_REFERENCES, node.module)) continue;
    const extract = MODULE_REFERENCES[node.module];
    extract(obj(node.data), collector(out, joinPath(event.path, 'data')), node, collector(out, event.path));
  }
}

// What each stored document type refers to (callflows are handled above).
const DOCUMENT_REFERENCES: Partial<Record<Collection, (doc: Record<string, unknown>, add: Add) => void>> = {
  devices: (doc, add) => {
    add('users', doc.owner_id, 'owner_id');
    for (const userId of Object.keys(obj(obj(doc.hotdesk).users))) add('users', userId, `hotdesk.users.${userId}`);
    addMedia(add, obj(doc.music_on_hold).media_id, 'music_on_hold.media_id');
  },
  users: (doc, add) => {
    for (const [dirId, callflowId] of Object.entries(obj(doc.directories))) {
      add('directories', dirId, `directories.${dirId}`);
      add('callflows', callflowId, `directories.${dirId}`);
    }
    addMedia(add, obj(doc.music_on_hold).media_id, 'music_on_hold.media_id');
  },
  groups: (doc, add) => {
    for (const [id, member] of Object.entries(obj(doc.endpoints))) {
      add(memberCollection(obj(member).type), id, `endpoints.${id}`);
    }
    addMedia(add, obj(doc.music_on_hold).media_id, 'music_on_hold.media_id');
  },
  menus: (doc, add) => {
    for (const key of ['greeting', 'invalid_media', 'transfer_media', 'exit_media']) {
      addMedia(add, obj(doc.media)[key], `media.${key}`);
    }
  },
  temporal_rules_sets: (doc, add) => list(doc.temporal_rules).forEach((id, i) => add('temporal_rules', id, `temporal_rules.${i}`)),
  vmboxes: (doc, add) => {
    add('users', doc.owner_id, 'owner_id');
    addMedia(add, obj(doc.media).unavailable, 'media.unavailable');
    addMedia(add, obj(doc.media).temporary_unavailable, 'media.temporary_unavailable');
  },
  directories: (doc, add) => list(doc.users).forEach((id, i) => add('users', id, `users.${i}`)),
  conferences: (doc, add) => add('users', doc.owner_id, 'owner_id'),
  accounts: (doc, add) => {
    add('callflows', obj(doc.preflow).always, 'preflow.always');
    addMedia(add, obj(doc.music_on_hold).media_id, 'music_on_hold.media_id');
  },
};

/**
 * The references of a document that must resolve, in document order. Malformed parts are skipped
 * (validation reports them); flows beyond the walk limits are read up to the limit.
 */
export function referencesOf(collection: Collection, doc: unknown): DocumentReference[] {
  const out: DocumentReference[] = [];
  if (!isPlainObject(doc)) return out;
  if (collection === 'callflows') callflowReferences(doc, out);
  else DOCUMENT_REFERENCES[collection]?.(doc, collector(out, ''));
  return out;
}
