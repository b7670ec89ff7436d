// What the menu does with the digits a caller entered: when the entry is complete, whether hunting is
// allowed for it, and what it selects. Kazoo: cf_menu try_match_digits (is_hunt_allowed/denied in lib/branching).
import { huntAllowed } from '../branching/hunt.ts';

export interface EntryRules {
  /** The node's children that lead somewhere (`timeout`, `max_retries`, `_` and digit keys). */
  childKeys: readonly string[];
  hunt: boolean;
  /** A PIN whose entry does something (record the greeting); '' = none. */
  recordPin?: string;
}

/**
 * True when more digits could not change what the entry selects, so collection can stop before the
 * inter-digit timeout: no child key and no record PIN extends it, and hunting (any extension) is off.
 * Kazoo always waits for `#`, max_extension_length or the inter-digit timeout; the reference (§5, Menus)
 * asks for this short-circuit, and it only changes how soon the same choice is made.
 */
export function entryIsFinal(digits: string, rules: EntryRules): boolean {
  if (digits === '' || rules.hunt) return false;
  const extends_ = (k: string) => k.length > digits.length && k.startsWith(digits);
  if (rules.childKeys.some(extends_)) return false;
  return !(rules.recordPin && extends_(rules.recordPin));
}

/** What an entry selects before any lookup: a child of the menu, or something to try. */
export type EntrySelection =
  | { kind: 'timeout' }
  | { kind: 'child'; key: string }
  /** Look the digits up as a callflow number; `otherwise` applies when none is found. */
  | { kind: 'hunt'; otherwise: Exclude<EntrySelection, { kind: 'hunt' | 'child' | 'timeout' }> }
  | { kind: 'record' }
  | { kind: 'invalid'; why: string };

/**
 * Kazoo's order: no digits → `timeout`; an exact child key; else hunting (if on and allowed); else the
 * record PIN (`allowRecord`: recording possible and this caller may record); else invalid.
 */
export function selectEntry(
  digits: string,
  rules: EntryRules & { huntAllow?: string; huntDeny?: string; allowRecord?: boolean },
): EntrySelection {
  if (digits === '') return { kind: 'timeout' };
  if (rules.childKeys.includes(digits)) return { kind: 'child', key: digits };
  const hunt = rules.hunt && huntAllowed(digits, rules.huntAllow, rules.huntDeny);
  const why = !rules.hunt ? 'no such option' : hunt ? 'no callflow has that number' : 'hunt_allow/hunt_deny refuse it';
  const otherwise =
    rules.recordPin && digits === rules.recordPin && rules.allowRecord ? ({ kind: 'record' } as const) : ({ kind: 'invalid', why } as const);
  return hunt ? { kind: 'hunt', otherwise } : otherwise;
}
