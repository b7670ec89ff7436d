// The caller's way into a conference (Kazoo's conference service after cf_conference hands the call over):
// answer, welcome prompt, find the conference (the module's `config`, its `id`, or a conference number the
// caller keys in), PIN (member / moderator, 3 attempts), max participants, "joining" prompt, then join the
// shared bridge. Kazoo ends the callflow there (control_usurped): the outcome is `release` and the
// conference owns the call until it leaves. Where Kazoo hangs up (too many attempts, conference full) the
// flow takes `_` instead, so an operator can route such callers somewhere; without `_` the call ends.
import { createHash } from 'node:crypto';
import { next, type CallContext, type Outcome } from '../engine/module.ts';
import {
  DEFAULT_CONTROLS,
  DEFAULT_ENTRY_TONE,
  DEFAULT_EXIT_TONE,
  fullMedia,
  MAX_ATTEMPTS,
  moderatorWait,
  needsPin,
  numberMatch,
  participantSettings,
  roleForPin,
  toneRef,
  type Role,
} from './rules.ts';

type Doc = Record<string, unknown>;

/** Digit collection for conference numbers and PINs (Kazoo: 1..16 digits, `#` ends). */
const COLLECT = { maxDigits: 16, timeoutMs: 5000, interdigitMs: 3000, terminators: ['#'] };

export interface ConferenceData {
  id?: string;
  config?: Doc;
  moderator?: boolean;
  welcome_prompt?: { play?: boolean; media_id?: string };
  play_entry_tone?: boolean | string;
  play_exit_tone?: boolean | string;
}

interface Found {
  doc: Doc;
  key: string;
  role?: Role;
}

/** Any key: Kazoo's prompts stop at a key press (kapps_call_command:play's default terminators). */
const ANY_KEY = [...'0123456789*#'];

/**
 * A prompt a key interrupts. The key stays buffered and counts as the first key of the next entry (a
 * caller who knows the PIN need not sit through conf-bad_pin); FreeSWITCH would swallow it.
 */
async function prompt(ctx: CallContext, ref: string): Promise<void> {
  const media = await ctx.media.resolve(ref, ctx.language);
  if (media.length) await ctx.call.play(media, { terminators: ANY_KEY, language: ctx.language });
}

async function ask(ctx: CallContext, ref: string): Promise<string> {
  const media = await ctx.media.resolve(ref, ctx.language);
  // Keys pressed during the prompt count (the prompt stops at the first one).
  if (media.length) await ctx.call.play(media, { terminators: ANY_KEY, language: ctx.language });
  const got = await ctx.call.collectDigits(COLLECT);
  return got.digits;
}

function keyOf(ctx: CallContext, kind: string, id: string): string {
  return `${ctx.accountId}:${kind}:${id}`;
}

/** The conference document the node names, or the one whose number the caller keys in. */
async function findConference(ctx: CallContext, data: ConferenceData): Promise<Found | undefined> {
  if (data.config && typeof data.config === 'object') {
    // Kazoo names an ad-hoc conference after config.name; callers of the same node share it.
    const name = typeof data.config.name === 'string' && data.config.name ? data.config.name : undefined;
    const id = name ?? `node-${createHash('sha1').update(`${ctx.callflowId}:${JSON.stringify(data.config)}`).digest('hex').slice(0, 16)}`;
    return { doc: data.config, key: keyOf(ctx, 'config', id) };
  }
  if (data.id) {
    const doc = await ctx.data.get<Doc>('conferences', data.id);
    if (doc && !doc.pvt_deleted) return { doc, key: keyOf(ctx, 'id', data.id) };
    ctx.logger.info({ conference: data.id }, 'conference not found, asking for its number');
  }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const number = await ask(ctx, 'conf-enter_conf_number');
    if (number) {
      const candidates = await ctx.data.find<Doc>('conferences', { $or: [{ conference_numbers: number }, { 'member.numbers': number }, { 'moderator.numbers': number }] }, 5);
      const live = candidates.filter((d) => !d.pvt_deleted);
      const match = live.length === 1 ? numberMatch(live[0], number) : undefined;
      if (match) return { doc: live[0], key: keyOf(ctx, 'id', String(live[0]._id)), ...match };
    }
    await prompt(ctx, 'conf-bad_conf');
  }
  return undefined;
}

/** Asks for a PIN until it fits (3 attempts): the role it gives, or undefined. */
async function checkPin(ctx: CallContext, doc: Doc, role: Role | undefined): Promise<Role | undefined> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const pin = await ask(ctx, 'conf-enter_conf_pin');
    const got = roleForPin(doc, role, pin);
    if (got) return got;
    ctx.logger.info({ attempt }, 'wrong conference PIN');
    await prompt(ctx, 'conf-bad_pin');
  }
  return undefined;
}

async function failed(ctx: CallContext, why: string, media: string): Promise<Outcome> {
  await prompt(ctx, media);
  return next(why);
}

export async function runConference(ctx: CallContext, data: ConferenceData): Promise<Outcome> {
  await ctx.call.answer();
  const welcome = data.welcome_prompt ?? {};
  if (welcome.play !== false) await prompt(ctx, welcome.media_id || 'conf-welcome');
  const found = await findConference(ctx, data);
  if (!found) return failed(ctx, 'conference not found', 'conf-too_many_attempts');
  const { doc } = found;
  // The node's `moderator` flag decides without a PIN (reference §2.7); else the number dialled, else the PIN.
  let role: Role | undefined = data.moderator === true ? 'moderator' : data.moderator === false ? 'member' : found.role;
  if (data.moderator !== true && needsPin(doc, role)) {
    role = await checkPin(ctx, doc, role);
    if (!role) return failed(ctx, 'too many wrong PINs', 'conf-too_many_attempts');
  }
  role ??= 'member';
  const settings = participantSettings(doc, role);
  if (settings.playEntryPrompt) await prompt(ctx, 'conf-joining_conference');
  const resolveTone = async (ref: string | undefined) => (ref ? ctx.media.resolve(ref, ctx.language).catch(() => []) : []);
  const [entryTone, exitTone, muted, unmuted] = await Promise.all([
    resolveTone(toneRef(data.play_entry_tone, doc.play_entry_tone, DEFAULT_ENTRY_TONE)),
    resolveTone(toneRef(data.play_exit_tone, doc.play_exit_tone, DEFAULT_EXIT_TONE)),
    resolveTone('conf-muted'),
    resolveTone('conf-unmuted'),
  ]);
  const max = typeof doc.max_participants === 'number' ? doc.max_participants : Number(doc.max_participants) || 0;
  const name = typeof doc.name === 'string' ? doc.name : undefined;
  const wait = moderatorWait(doc);
  const joined = await ctx.call.joinConference({
    key: found.key,
    ...(name ? { name } : {}),
    moderator: role === 'moderator',
    muted: settings.joinMuted,
    deaf: settings.joinDeaf,
    maxParticipants: max,
    entryTone,
    exitTone,
    controls: DEFAULT_CONTROLS,
    controlMedia: { muted, unmuted },
    ...(wait ? { waitForModerator: wait } : {}),
  });
  if (joined.status === 'full') return failed(ctx, `conference full (${joined.participants})`, fullMedia(doc));
  ctx.attributes.conference = { key: found.key, role, bridge: joined.bridgeId, ...(joined.waiting ? { waiting: true } : {}) };
  const waiting = joined.waiting ? ', waiting for a moderator' : '';
  return { kind: 'release', reason: `joined ${name ?? found.key} as ${role} (${joined.participants} in${waiting})` };
}
