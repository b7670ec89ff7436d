// Kazoo's conference rules (conference app, conf_discovery_req): which role a dial-in number gives, which
// PIN lets a caller in as what, the participant settings of that role, entry/exit tones and the default
// in-conference keys. Pure: the conference module does the prompting.
import type { ConferenceControl } from '../callcontrol/port.ts';

type Doc = Record<string, unknown>;

export type Role = 'member' | 'moderator';

/** Kazoo asks 3 times for a conference number or a PIN, then plays conf-too_many_attempts. */
export const MAX_ATTEMPTS = 3;

/**
 * Kazoo's default caller controls (FreeSWITCH conference "default" profile): 0 mute, * deaf-mute, # hang up.
 * The volume and energy keys (1-9) are not offered: Asterisk bridges have no per-member gain control here.
 */
export const DEFAULT_CONTROLS: Record<string, ConferenceControl> = { '0': 'mute', '*': 'deaf', '#': 'hangup' };

/** Sounds Asterisk ships for conferences, played when Kazoo's entry/exit tone is `true` (its default). */
export const DEFAULT_ENTRY_TONE = 'confbridge-join';
export const DEFAULT_EXIT_TONE = 'confbridge-leave';

function obj(v: unknown): Doc | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '').map((x) => x.trim()) : [];
}

export function pinsOf(doc: Doc, role: Role): string[] {
  return strings(obj(doc[role])?.pins);
}

/** The participant settings of a role (`member` / `moderator` objects of the conference document). */
export function participantSettings(doc: Doc, role: Role): { joinMuted: boolean; joinDeaf: boolean; playEntryPrompt: boolean } {
  const p = obj(doc[role]) ?? {};
  return { joinMuted: p.join_muted === true, joinDeaf: p.join_deaf === true, playEntryPrompt: p.play_entry_prompt !== false };
}

/** Whether `number` dials into this conference, and as what (undefined: the role is decided by PIN). */
export function numberMatch(doc: Doc, number: string): { role?: Role } | undefined {
  if (strings(obj(doc.moderator)?.numbers).includes(number)) return { role: 'moderator' };
  if (strings(obj(doc.member)?.numbers).includes(number)) return { role: 'member' };
  if (strings(doc.conference_numbers).includes(number)) return {};
  return undefined;
}

/**
 * Whether the caller must enter a PIN. `role` is what the caller is known to be so far (the module's
 * `moderator` flag, or the number dialled); undefined: any PIN of the conference tells the role.
 */
export function needsPin(doc: Doc, role: Role | undefined): boolean {
  if (role) return pinsOf(doc, role).length > 0;
  return pinsOf(doc, 'member').length > 0 || pinsOf(doc, 'moderator').length > 0;
}

/** The role an entered PIN gives, or undefined when it is wrong (a member PIN wins over a moderator one). */
export function roleForPin(doc: Doc, role: Role | undefined, pin: string): Role | undefined {
  if (role) return pinsOf(doc, role).includes(pin) ? role : undefined;
  if (pinsOf(doc, 'member').includes(pin)) return 'member';
  if (pinsOf(doc, 'moderator').includes(pin)) return 'moderator';
  return undefined;
}

/** An entry/exit tone setting (module data beats the document): the media reference to play, or none. */
export function toneRef(moduleValue: unknown, docValue: unknown, fallback: string): string | undefined {
  const v = moduleValue ?? docValue ?? true;
  if (v === false || v === 'false') return undefined;
  if (v === true || v === 'true') return fallback;
  return typeof v === 'string' && v.trim() ? v.trim() : fallback;
}

/**
 * How members wait for a moderator. wait_for_moderator (Kazoo turns it into FreeSWITCH's `wait-mod` flag):
 * members wait until the first moderator joins; after that the conference runs on its own, also after the
 * last moderator left. require_moderator: Kazoo stores it but hands nothing of it to the media server; a
 * conference that requires a moderator is read here as one that only runs while a moderator is in — members
 * wait before the first one and again after the last one left (it wins over wait_for_moderator).
 */
export function moderatorWait(doc: Doc): 'first' | 'always' | undefined {
  if (doc.require_moderator === true || doc.require_moderator === 'true') return 'always';
  if (doc.wait_for_moderator === true || doc.wait_for_moderator === 'true') return 'first';
  return undefined;
}

/** What a caller refused by max_participants hears: the document's max_members_media, else Kazoo's prompt. */
export function fullMedia(doc: Doc): string {
  const own = doc.max_members_media;
  return typeof own === 'string' && own.trim() ? own.trim() : 'conf-max_participants';
}
