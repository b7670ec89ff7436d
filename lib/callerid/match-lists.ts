// Kazoo match lists ("lists"), read by cidlistmatch, lookupcidname and dynamic_cid (reference §3.8).
//
// Stored shape (collection `lists`, one document per list, entries embedded):
//   { _id, name, description?, length?,            // length: dynamic_cid key length (default 2)
//     entries: [ { number? | prefix? | pattern?,   // number/prefix: digit prefix; pattern: regex
//                  displayname? | name? | cid_name? | firstname? + lastname?,
//                  capture_group_key?, capture_group_length?,   // dynamic_cid list modes
//                  ... } ] }
// Kazoo 4 keeps entries as separate `list_entry` documents; its older API embedded them as an object
// keyed by entry id (and dynamic_cid `list` mode keyed them by CID key). `entries` may therefore also
// be an object: its values are the entries and a key stands in for a missing capture_group_key.
import type { AccountData } from '../engine/module.ts';
import { compilePattern } from '../validation/patterns.ts';

export interface ListEntry {
  number?: string;
  prefix?: string;
  pattern?: string;
  displayname?: string;
  name?: string;
  cid_name?: string;
  firstname?: string;
  lastname?: string;
  capture_group_key?: string;
  capture_group_length?: number;
  [field: string]: unknown;
}

export interface MatchList {
  _id: string;
  name?: string;
  length?: number;
  entries: ListEntry[];
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function nonEmpty(v: unknown): string | undefined {
  const s = str(v);
  return s === undefined || s === '' ? undefined : s;
}

/** A stored list document in the shape above (array or object `entries`), or undefined if unusable. */
export function normalizeList(doc: Record<string, unknown> | undefined): MatchList | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  const raw = doc.entries;
  const entries: ListEntry[] = [];
  const push = (e: unknown, key?: string) => {
    if (!e || typeof e !== 'object' || Array.isArray(e)) return;
    const entry = { ...(e as ListEntry) };
    if (key !== undefined && nonEmpty(entry.capture_group_key) === undefined) entry.capture_group_key = key;
    entries.push(entry);
  };
  if (Array.isArray(raw)) raw.forEach((e) => push(e));
  else if (raw && typeof raw === 'object') for (const [k, e] of Object.entries(raw)) push(e, k);
  const length = Number(doc.length);
  return {
    _id: String(doc._id),
    name: str(doc.name),
    length: Number.isInteger(length) && length > 0 ? length : undefined,
    entries,
  };
}

export async function loadList(data: AccountData, id: unknown): Promise<MatchList | undefined> {
  if (typeof id !== 'string' || id === '') return undefined;
  return normalizeList(await data.get('lists', id));
}

const withoutPlus = (s: string) => (s.startsWith('+') ? s.slice(1) : s);

/**
 * The number prefixes Kazoo looks up (hon_util build_keys): every leading substring of the number,
 * without its `+`, longest first. `+1415` → ["1415", "141", "14", "1"].
 */
export function numberPrefixes(number: string): string[] {
  const digits = withoutPlus(number);
  const out: string[] = [];
  for (let n = digits.length; n > 0; n--) out.push(digits.slice(0, n));
  return out;
}

/** The prefix an entry matches by (`number`, else `prefix`), without `+` so `+1415…` entries work too. */
export function entryPrefix(entry: ListEntry): string | undefined {
  const p = nonEmpty(entry.number) ?? nonEmpty(entry.prefix);
  return p === undefined ? undefined : withoutPlus(p);
}

function entryRegex(entry: ListEntry): RegExp | undefined {
  const p = nonEmpty(entry.pattern);
  if (p === undefined) return undefined;
  try {
    return compilePattern(p);
  } catch {
    // Kazoo's re:run on a bad pattern fails that entry only.
    return undefined;
  }
}

/** The display name of an entry: displayname, name, cid_name, else "first last". */
export function entryName(entry: ListEntry): string | undefined {
  const direct = nonEmpty(entry.displayname) ?? nonEmpty(entry.name) ?? nonEmpty(entry.cid_name);
  if (direct !== undefined) return direct;
  const full = [nonEmpty(entry.firstname), nonEmpty(entry.lastname)].filter(Boolean).join(' ');
  return full || undefined;
}

/** The entry whose prefix is the longest prefix of the number (undefined when none). */
export function longestPrefixEntry(entries: readonly ListEntry[], number: string): ListEntry | undefined {
  if (!number) return undefined;
  const prefixes = new Set(numberPrefixes(number));
  let best: ListEntry | undefined;
  let bestLength = 0;
  for (const e of entries) {
    const p = entryPrefix(e);
    if (p !== undefined && prefixes.has(p) && p.length > bestLength) {
      best = e;
      bestLength = p.length;
    }
  }
  return best;
}

/** The first regex entry (list order) that matches the number (unanchored, like Erlang re:run). */
export function firstRegexEntry(entries: readonly ListEntry[], number: string): ListEntry | undefined {
  return entries.find((e) => entryRegex(e)?.test(number));
}

/** cidlistmatch: a prefix entry or a regex entry matches the caller-ID number. */
export function listMatches(list: MatchList | undefined, number: string): boolean {
  if (!list || !number) return false;
  return longestPrefixEntry(list.entries, number) !== undefined || firstRegexEntry(list.entries, number) !== undefined;
}

/**
 * lookupcidname: first the longest prefix entry of the first list that has one, then the first
 * matching regex entry across the lists (Kazoo's order); entries without a name are skipped, so a
 * nameless prefix entry does not hide a named regex entry (Kazoo would return no name there).
 */
export function lookupName(lists: readonly MatchList[], number: string): string | undefined {
  if (!number) return undefined;
  for (const list of lists) {
    const named = list.entries.filter((e) => entryName(e) !== undefined);
    const hit = longestPrefixEntry(named, number);
    if (hit) return entryName(hit);
  }
  for (const list of lists) {
    const named = list.entries.filter((e) => entryName(e) !== undefined);
    const hit = firstRegexEntry(named, number);
    if (hit) return entryName(hit);
  }
  return undefined;
}

export interface ListSelection {
  /** The entry chosen by the key, if any. */
  entry?: ListEntry;
  key: string;
  /** The rest of the dialled capture: where the call goes. */
  destination: string;
}

/**
 * dynamic_cid list modes: the capture group is split into a key (first N digits, N = the entry's
 * capture_group_length, else the list's `length`, else 2) and the destination (the rest); the entry
 * whose capture_group_key equals its key wins (list order). With `idx_name`, the key is that named
 * capture group and the destination the whole capture group. Undefined when no key can be taken
 * (capture shorter than the key length, or the named group missing).
 */
export function selectListEntry(
  list: MatchList,
  capture: string,
  named?: { idxName: string; groups: Record<string, string> | undefined },
): ListSelection | undefined {
  if (named) {
    const key = named.groups?.[named.idxName];
    if (!key) return undefined;
    return { key, destination: capture, entry: list.entries.find((e) => nonEmpty(e.capture_group_key) === key) };
  }
  const fallbackLength = list.length ?? 2;
  for (const e of list.entries) {
    const n = Number(e.capture_group_length);
    const len = Number.isInteger(n) && n > 0 ? n : fallbackLength;
    if (capture.length >= len && nonEmpty(e.capture_group_key) === capture.slice(0, len)) {
      return { entry: e, key: capture.slice(0, len), destination: capture.slice(len) };
    }
  }
  if (capture.length < fallbackLength) return undefined;
  return { key: capture.slice(0, fallbackLength), destination: capture.slice(fallbackLength) };
}
