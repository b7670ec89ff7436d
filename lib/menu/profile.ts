// A menu document read the way Kazoo's cf_menu:get_menu_profile does: code defaults for absent keys,
// Kazoo's value coercions ("3" → 3, "true" → true), and the three prompt choices of `media`.
// No I/O: callflows/menu.ts loads the document and passes it here.

/** A prompt the menu may play: Kazoo's system prompt (`true`), nothing (`false`), or a media reference. */
export type PromptChoice = { kind: 'system'; prompt: string } | { kind: 'none' } | { kind: 'media'; ref: string };

export interface MenuProfile {
  /** The menu document id (Kazoo falls back to the default profile when it cannot load it). */
  id?: string;
  /** False when the document was missing: the default menu (no greeting, 3 retries, no hunt) runs. */
  found: boolean;
  name: string;
  retries: number;
  /** ms to wait for the first digit once the greeting has played. */
  timeoutMs: number;
  /** ms to wait for each further digit. */
  interdigitMs: number;
  maxLength: number;
  hunt: boolean;
  huntAllow: string;
  huntDeny: string;
  recordPin: string;
  recordFromOffnet: boolean;
  /** The greeting: a media reference, or Kazoo's `menu-no_prompt` when the document names none. */
  greeting: PromptChoice;
  invalidMedia: PromptChoice;
  transferMedia: PromptChoice;
  exitMedia: PromptChoice;
}

/** cf_menu's record defaults and system prompts. */
export const MENU_DEFAULTS = {
  retries: 3,
  timeoutMs: 10_000,
  /** kapps_call_command:default_interdigit_timeout(). */
  interdigitMs: 2000,
  maxLength: 4,
} as const;

export const MENU_PROMPTS = {
  noGreeting: 'menu-no_prompt',
  invalid: 'menu-invalid_entry',
  transfer: 'menu-transferring_call',
  exit: 'menu-exit',
  goodbye: 'vm-goodbye',
} as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** kz_json:get_integer_value: integers and integer strings; anything else is absent. */
export function integerValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  return undefined;
}

/** kz_json:is_true with a default: true / "true" are true, false / "false" false, anything else the default. */
export function booleanValue(v: unknown, fallback: boolean): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return fallback;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/**
 * `media.invalid_media` / `transfer_media` / `exit_media`: false (or "false") = silent; a non-empty string
 * = that media; absent, true or anything else = the system prompt.
 */
export function promptChoice(v: unknown, systemPrompt: string): PromptChoice {
  if (v === false || v === 'false') return { kind: 'none' };
  if (typeof v === 'string' && v !== '' && v !== 'true') return { kind: 'media', ref: v };
  return { kind: 'system', prompt: systemPrompt };
}

/** A positive integer, else the fallback (Kazoo would crash or misbehave on 0 and below: use the default). */
function positive(v: unknown, fallback: number): number {
  const n = integerValue(v);
  return n !== undefined && n > 0 ? n : fallback;
}

/**
 * The profile the menu runs with. `doc` undefined (missing, deleted) → Kazoo's default record.
 * `nodeData.interdigit_timeout` is used only when the document has none (cf_menu: find in [JObj, Data]).
 */
export function readMenuProfile(doc: Record<string, unknown> | undefined, nodeData: Record<string, unknown> = {}, id?: string): MenuProfile {
  const found = isObject(doc) && doc.pvt_deleted !== true;
  const d: Record<string, unknown> = found ? doc : {};
  const media = isObject(d.media) ? d.media : {};
  const greeting = text(media.greeting);
  const interdigit = integerValue(d.interdigit_timeout) ?? integerValue(nodeData.interdigit_timeout);
  return {
    id,
    found,
    name: text(d.name) || id || '',
    // Retries may be any integer: 0 or less goes straight to the retries-exhausted path, as in Kazoo.
    retries: integerValue(d.retries) ?? MENU_DEFAULTS.retries,
    timeoutMs: positive(d.timeout, MENU_DEFAULTS.timeoutMs),
    interdigitMs: interdigit !== undefined && interdigit > 0 ? interdigit : MENU_DEFAULTS.interdigitMs,
    maxLength: positive(d.max_extension_length, MENU_DEFAULTS.maxLength),
    // The code default (false), not the schema's (true): a document without `hunt` does not hunt.
    hunt: booleanValue(d.hunt, false),
    huntAllow: text(d.hunt_allow),
    huntDeny: text(d.hunt_deny),
    recordPin: text(d.record_pin),
    recordFromOffnet: booleanValue(d.allow_record_from_offnet, false),
    greeting: greeting ? { kind: 'media', ref: greeting } : { kind: 'system', prompt: MENU_PROMPTS.noGreeting },
    invalidMedia: promptChoice(media.invalid_media, MENU_PROMPTS.invalid),
    transferMedia: promptChoice(media.transfer_media, MENU_PROMPTS.transfer),
    exitMedia: promptChoice(media.exit_media, MENU_PROMPTS.exit),
  };
}
