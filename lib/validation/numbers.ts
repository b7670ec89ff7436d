// Kazoo's number handling for callflow `numbers`: E.164 normalisation (knm_converters, default
// "regex" converter), number classification (used by call restrictions) and the shape checks the
// engine needs (`no_match` eligibility). Pure functions; see test/validation/numbers.test.ts.

/** The literal number of the account's catch-all callflow. */
export const NO_MATCH = 'no_match';

// Kazoo's default e164_converters, tried in this order; the result is prefix + last capture
// (or the whole match when the regex has no group). Numbers already starting with "+" are kept.
// These are master's rules; 4.3 also turned "00"/"011" followed by fewer than 5 digits into "+…".
const E164_CONVERTERS: ReadonlyArray<{ re: RegExp; prefix: string }> = [
  { re: /^(\+?1)?([2-9][0-9]{2}[2-9][0-9]{6})$/, prefix: '+1' }, // NANP: NPA-NXX-XXXX, optional 1
  { re: /^011(\d{5,})$|^00(\d{5,})$/, prefix: '+' }, // international dialling prefixes
  { re: /^[2-9]\d{7,}$/, prefix: '+' }, // 8+ digits not starting with 0/1: treated as E.164 without "+"
];

/**
 * Kazoo's normalisation of a dial string (knm_converters:normalize/1 with the default rules):
 * `4155550100` and `14155550100` → `+14155550100`, `011…`/`00…` → `+…`, 8+ digit strings not
 * starting with 0 or 1 → `+…`; anything else (extensions like `2001`, star codes `*97`, `no_match`,
 * numbers already in `+` form) is returned unchanged. Note the Kazoo quirk this keeps: an 8-digit
 * extension such as `20012345` becomes `+20012345`. Formatting characters are NOT removed here
 * (Kazoo does not either); use stripNumberFormatting() first for human-typed input.
 */
export function normalizeNumber(raw: string): string {
  if (raw === '' || raw.startsWith('+')) return raw;
  for (const { re, prefix } of E164_CONVERTERS) {
    const m = re.exec(raw);
    if (!m) continue;
    // Erlang's re drops trailing groups that did not participate; the last one that did is the root.
    const groups = m.slice(1).filter((g): g is string => g !== undefined);
    const root = groups.length > 0 ? groups[groups.length - 1] : m[0];
    return prefix + root;
  }
  return raw;
}

/**
 * Removes the separators people type in phone numbers — spaces, `-`, `.`, `(`, `)`, `/` — when
 * what remains is a plain dial string (`+` and digits, or a star code); otherwise returns the input
 * unchanged, so `no_match`, SIP user names and patterns are never altered.
 * `(415) 555-0100` → `4155550100`; `+44 20 7946 0000` → `+442079460000`.
 */
export function stripNumberFormatting(raw: string): string {
  const stripped = raw.replace(/[\s\-.()/\u00a0]/g, '');
  return /^\+?[0-9*#]+$/.test(stripped) ? stripped : raw;
}

/** stripNumberFormatting then normalizeNumber: what the API applies to callflow `numbers` on save. */
export function normalizeCallflowNumber(raw: string): string {
  return normalizeNumber(stripNumberFormatting(raw));
}

export type NumberClass =
  | 'tollfree_us'
  | 'toll_us'
  | 'emergency'
  | 'caribbean'
  | 'did_us'
  | 'international'
  | 'unknown';

// Kazoo's default classifiers, first match wins (the order matters: 911 before did_us, …).
const CLASSIFIERS: ReadonlyArray<{ cls: NumberClass; re: RegExp }> = [
  { cls: 'tollfree_us', re: /^\+1((?:800|88\d|877|866|855|844|833|822)\d{7})$/ },
  { cls: 'toll_us', re: /^\+1(900\d{7})$/ },
  { cls: 'emergency', re: /^(911|922|933|833|811|711|999)$/ },
  {
    cls: 'caribbean',
    re: /^\+?1((?:684|264|268|242|246|441|284|345|767|809|829|849|473|671|876|664|670|787|939|869|758|784|721|868|649|340)\d{7})$/,
  },
  { cls: 'did_us', re: /^(\+?1)?([2-9][0-9]{2}[2-9][0-9]{6})$/ },
  { cls: 'international', re: /^\+([2-9]\d{7,})$/ },
];

/** Kazoo's classification of a dialled number (after normalisation), as used by call_restriction. */
export function classifyNumber(raw: string): NumberClass {
  const n = normalizeNumber(raw);
  return CLASSIFIERS.find(({ re }) => re.test(n))?.cls ?? 'unknown';
}

/** The `no_match` callflow is only considered for request users made of digits with an optional leading `+`. */
export function isNoMatchCandidate(requestUser: string): boolean {
  return /^\+?[0-9]+$/.test(requestUser);
}

/** Kazoo's default "reconcilable" test: does the number look like a PSTN number (DID) at all? */
export function isReconcilable(raw: string): boolean {
  return /^(\+?1)?\d{10}$|^\+[2-9]\d{7,}$|^011\d*$|^00\d*$/.test(normalizeNumber(raw));
}
