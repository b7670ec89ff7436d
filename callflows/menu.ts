// IVR: plays the menu greeting, collects digits and takes the child named by them.
// Kazoo: cf_menu, module name `menu`.
import { CallGoneError } from '../lib/callcontrol/port.ts';
import { child, next, type CallContext, type ModuleDefinition, type Outcome } from '../lib/engine/module.ts';
import { adoptMatch, isAuthorisedCaller, lookupCallflow } from '../lib/branching/hunt.ts';
import { entryIsFinal, selectEntry, type EntryRules } from '../lib/menu/entry.ts';
import { MENU_PROMPTS, readMenuProfile, type MenuProfile, type PromptChoice } from '../lib/menu/profile.ts';
import { DTMF_KEYS, docId, moduleData } from './schema-parts.ts';

/** Any key stops the greeting and counts as the first digit of the entry (Kazoo plays with ?ANY_DIGIT). */
const ANY_KEY = DTMF_KEYS;
const TERMINATOR = '#';

/** Greeting recording (record_pin): cf_menu's keys, prompts and minimum length. */
const RECORD = {
  save: '1',
  listen: '2',
  again: '3',
  minMs: 1500,
  maxSec: 300,
  silenceSec: 5,
  /** Our bounds: Kazoo re-prompts the review and re-records without limit. */
  maxTakes: 3,
  maxReviews: 3,
} as const;

const system = (prompt: string): PromptChoice => ({ kind: 'system', prompt });

async function promptMedia(ctx: CallContext, choice: PromptChoice): Promise<string[]> {
  if (choice.kind === 'none') return [];
  const ref = choice.kind === 'system' ? choice.prompt : choice.ref;
  try {
    const media = await ctx.media.resolve(ref, ctx.language);
    if (!media.length) ctx.logger.warn({ media: ref }, 'menu prompt not found, skipped');
    return media;
  } catch (err) {
    // A TTS media document whose synthesis fails: the menu goes on without that prompt.
    ctx.logger.warn({ media: ref, err: (err as Error).message }, 'menu prompt unavailable, skipped');
    return [];
  }
}

/** Plays a prompt the caller may cut short with any key (the key stays buffered for the next entry). */
async function playPrompt(ctx: CallContext, choice: PromptChoice): Promise<void> {
  const media = await promptMedia(ctx, choice);
  if (media.length) await ctx.call.play(media, { terminators: ANY_KEY, language: ctx.language });
}

/**
 * One entry: digits pressed during the greeting first, then the first-digit timeout, then the inter-digit
 * timeout per key, up to max_extension_length; `#` ends it (not part of it). Stops early when no further
 * key could change the choice (see entryIsFinal).
 */
async function collectEntry(ctx: CallContext, menu: MenuProfile, rules: EntryRules): Promise<string> {
  let digits = '';
  while (digits.length < menu.maxLength) {
    const r = await ctx.call.collectDigits({
      maxDigits: 1,
      timeoutMs: digits ? menu.interdigitMs : menu.timeoutMs,
      interdigitMs: menu.interdigitMs,
      terminators: [TERMINATOR],
    });
    if (!r.digits) break;
    digits += r.digits;
    if (entryIsFinal(digits, rules)) break;
  }
  return digits;
}

/** After a take: 1 save, 2 listen (then ask again), 3 record again; no choice after a few asks abandons it. */
async function review(ctx: CallContext, menu: MenuProfile, file: string): Promise<'save' | 'again' | 'abandon'> {
  for (let ask = 0; ask < RECORD.maxReviews; ask++) {
    ctx.call.flushDigits();
    await playPrompt(ctx, system('vm-review_recording'));
    const r = await ctx.call.collectDigits({ maxDigits: 1, timeoutMs: menu.timeoutMs, interdigitMs: menu.interdigitMs, terminators: [] });
    if (r.digits === RECORD.save) return 'save';
    if (r.digits === RECORD.again) return 'again';
    if (r.digits === RECORD.listen) await ctx.call.play([`sound:${file.replace(/\.wav$/, '')}`]);
  }
  return 'abandon';
}

/**
 * record_pin: record a new greeting, review it, and store it as a media document the menu document then
 * names in media.greeting (Kazoo reuses the old greeting's media id; we add a new document). Resolves to
 * the new greeting's media id, or undefined when the caller did not keep a recording.
 */
async function recordGreeting(ctx: CallContext, menu: MenuProfile): Promise<string | undefined> {
  for (let take = 0; take < RECORD.maxTakes; take++) {
    const rec = ctx.media.newRecording();
    await playPrompt(ctx, system('vm-record_greeting'));
    ctx.call.flushDigits();
    const r = await ctx.call.record({ path: rec.path, maxDurationSec: RECORD.maxSec, maxSilenceSec: RECORD.silenceSec, beep: true, terminateOn: 'any' });
    if (r.reason === 'hangup') {
      await ctx.media.discardRecording(rec);
      throw new CallGoneError(ctx.call.id, 'hung up while recording the menu greeting');
    }
    const choice = await review(ctx, menu, rec.path);
    if (choice === 'again') {
      await ctx.media.discardRecording(rec);
      continue;
    }
    if (choice === 'abandon') {
      await ctx.media.discardRecording(rec);
      await playPrompt(ctx, system('vm-deleted'));
      return undefined;
    }
    if (r.durationMs < RECORD.minMs || !r.file) {
      await ctx.media.discardRecording(rec);
      await playPrompt(ctx, system('vm-recording_to_short'));
      continue;
    }
    const name = `${menu.name} menu greeting`;
    const saved = await ctx.media.saveRecording(rec, { name, description: 'menu recorded/prompt media', source_type: 'menu', source_id: menu.id });
    if (!saved) return undefined;
    if (menu.found && menu.id) await ctx.data.update('menus', menu.id, { 'media.greeting': rec.mediaId });
    await playPrompt(ctx, system('vm-saved'));
    return rec.mediaId;
  }
  await playPrompt(ctx, system('vm-deleted'));
  return undefined;
}

const definition: ModuleDefinition = {
  name: 'menu',
  summary: 'IVR: digit children, `timeout` on silence, `max_retries` when retries run out, else `_`.',
  schema: moduleData({
    id: { ...docId, description: 'Menu id.' },
    // No default: only used when the menu document has none.
    interdigit_timeout: { type: 'integer', minimum: 1, description: 'ms between digits.' },
  }),
  children: ['*', 'timeout', 'max_retries', '_'],
  implemented: true,
  async run(ctx, data): Promise<Outcome> {
    const id = typeof data.id === 'string' && data.id !== '' ? data.id : undefined;
    const doc = id ? await ctx.data.get('menus', id) : undefined;
    const menu = readMenuProfile(doc, data, id);
    const childKeys = ctx.childKeys ?? [];
    const has = (key: string) => childKeys.includes(key);
    // Kazoo lets internal callers (from the account's devices) record; carrier calls only with allow_record_from_offnet.
    const allowRecord = menu.recordPin !== '' && (menu.recordFromOffnet || isAuthorisedCaller(ctx));
    const rules = {
      childKeys,
      hunt: menu.hunt,
      huntAllow: menu.huntAllow,
      huntDeny: menu.huntDeny,
      recordPin: allowRecord ? menu.recordPin : '',
      allowRecord,
    };
    const head = menu.found ? `menu ${menu.name}` : `menu ${id ?? '(no id)'} not found, default menu`;
    const history: string[] = [];
    const say = (tail: string) => `${head}: ${[...history, tail].join('; ')}`;

    await ctx.call.answer();
    for (let attempt = 1; attempt <= menu.retries; attempt++) {
      await playPrompt(ctx, menu.greeting);
      const digits = await collectEntry(ctx, menu, rules);
      const sel = selectEntry(digits, rules);
      if (sel.kind === 'timeout') {
        // Kazoo takes `timeout` on the first silence; without it the silence costs a retry, no prompt.
        if (has('timeout')) return child('timeout', say('no input → timeout'));
        history.push('no input');
        continue;
      }
      if (sel.kind === 'child') return child(sel.key, say(`pressed ${digits} → ${sel.key}`));
      if (sel.kind === 'hunt') {
        const found = await lookupCallflow(ctx, digits, { allowNoMatch: false });
        if (found) {
          ctx.call.flushDigits();
          await playPrompt(ctx, menu.transferMedia);
          adoptMatch(ctx, found.match);
          return { kind: 'branch', flow: found.flow, reason: say(`dialled ${digits} → callflow ${found.match.callflowId} (${found.match.via})`) };
        }
      }
      const outcome = sel.kind === 'hunt' ? sel.otherwise : sel;
      if (outcome.kind === 'record') {
        const greeting = await recordGreeting(ctx, menu);
        if (greeting) menu.greeting = { kind: 'media', ref: greeting };
        history.push(greeting ? `record_pin: new greeting ${greeting}` : 'record_pin: nothing saved');
        await playPrompt(ctx, system('menu-return'));
        // Recording does not cost a retry (Kazoo loops with the same count).
        attempt--;
        continue;
      }
      history.push(`${digits} invalid (${outcome.why})`);
      await playPrompt(ctx, menu.invalidMedia);
    }

    // Retries exhausted (Kazoo: flush, exit prompt, then max_retries, else `_` after the transfer prompt,
    // else goodbye and the flow ends).
    ctx.call.flushDigits();
    await playPrompt(ctx, menu.exitMedia);
    const exhausted = menu.retries > 0 ? 'retries exhausted' : `no retries (retries=${menu.retries})`;
    if (has('max_retries')) return child('max_retries', say(`${exhausted} → max_retries`));
    if (has('_')) {
      await playPrompt(ctx, menu.transferMedia);
      return next(say(`${exhausted} → _`));
    }
    await playPrompt(ctx, system(MENU_PROMPTS.goodbye));
    return next(say(`${exhausted}, goodbye`));
  },
};

export default definition;
