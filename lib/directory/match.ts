// Dial-by-name matching (Kazoo cf_directory): names turned into dial-pad digits, members whose name (by
// the directory's search field) starts with the digits the caller typed, sorted by the directory's
// sort field. Pure; table tests in test/modules/carriers/directory-match.test.ts.

export interface Member {
  userId: string;
  firstName: string;
  lastName: string;
  /** The callflow to branch to when this member is chosen. */
  callflowId: string;
}

export type SearchField = 'first_name' | 'last_name' | 'both';

const KEYPAD: Record<string, string> = {};
for (const [digit, letters] of Object.entries({ 2: 'abc', 3: 'def', 4: 'ghi', 5: 'jkl', 6: 'mno', 7: 'pqrs', 8: 'tuv', 9: 'wxyz' })) {
  for (const l of letters) KEYPAD[l] = digit;
}

/** A name as the caller types it on a phone keypad: letters → digits, digits kept, anything else dropped. */
export function toDialpad(name: string): string {
  let out = '';
  for (const ch of name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()) {
    if (KEYPAD[ch]) out += KEYPAD[ch];
    else if (ch >= '0' && ch <= '9') out += ch;
  }
  return out;
}

/** The digit strings a member can be found by. */
function keysOf(m: Member, field: SearchField): string[] {
  if (field === 'first_name') return [toDialpad(m.firstName)];
  if (field === 'last_name') return [toDialpad(m.lastName)];
  return [toDialpad(m.firstName), toDialpad(m.lastName)];
}

/** Members whose search field starts with `digits`, sorted by `sortBy` then the other name. */
export function findMembers(members: readonly Member[], digits: string, field: SearchField, sortBy: 'first_name' | 'last_name' = 'last_name'): Member[] {
  if (!digits) return [];
  const found = members.filter((m) => keysOf(m, field).some((k) => k.startsWith(digits)));
  const key = (m: Member) => (sortBy === 'first_name' ? `${m.firstName} ${m.lastName}` : `${m.lastName} ${m.firstName}`).toLowerCase();
  return found.sort((a, b) => key(a).localeCompare(key(b)) || (a.userId < b.userId ? -1 : 1));
}
