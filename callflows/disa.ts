// PIN-protected dial tone: the caller dials a number that is then routed as a new call of the account.
// Kazoo: cf_disa, module name `disa`.
import { next, stop, type CallContext, type ModuleDefinition } from '../lib/engine/module.ts';
import { adoptMatch, lookupCallflow, setDestination } from '../lib/branching/hunt.ts';
import { callerIdState, commitCallerId, rewrite } from '../lib/callerid/state.ts';
import { obj, text } from '../lib/legs/documents.ts';
import { classifyNumber, normalizeNumber } from '../lib/validation/numbers.ts';
import { moduleData } from './schema-parts.ts';

/** How long the caller has for a first digit once the prompt or tone has ended. */
const AFTER_MEDIA_MS = 5000;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
/** Kazoo's preconnect tones: dial tone 350+440 Hz continuous; ringing 440+480 Hz 2 s on / 4 s off. */
function preconnectTone(kind: unknown, repeats: number): string {
  // 10 s of dial tone (the caller dials over it); ringing cadence repeated ring_repeat_count times.
  if (kind !== 'ringing') return 'tone_stream://%(10000,0,350,440)';
  return `tone_stream://${'%(2000,4000,440,480)'.repeat(Math.min(Math.max(1, repeats), 5))}`;
}

async function prompt(ctx: CallContext, id: string): Promise<void> {
  const media = await ctx.media.resolve(id, ctx.language);
  if (media.length) await ctx.call.play(media, { terminators: DIGITS, language: ctx.language });
}

/** Plays `media` until a key is pressed, then collects up to maxDigits (`#` ends the input). */
async function collect(ctx: CallContext, media: string[], maxDigits: number, interdigitMs: number): Promise<string> {
  if (media.length) await ctx.call.play(media, { terminators: DIGITS, language: ctx.language });
  const r = await ctx.call.collectDigits({ maxDigits, timeoutMs: AFTER_MEDIA_MS, interdigitMs, terminators: ['#'] });
  return r.digits;
}

/** The account's external caller ID (Kazoo's use_account_caller_id), if it has one. */
async function accountCallerId(ctx: CallContext): Promise<{ name?: string; number?: string } | undefined> {
  const account = await ctx.data.get('accounts', ctx.accountId);
  const ext = obj(obj(account?.caller_id)?.external);
  const number = text(ext?.number);
  return number ? { number, name: text(ext?.name) ?? number } : undefined;
}

async function restricted(ctx: CallContext, number: string): Promise<boolean> {
  const account = await ctx.data.get('accounts', ctx.accountId);
  return obj(obj(account?.call_restriction)?.[classifyNumber(number)])?.action === 'deny';
}

const definition: ModuleDefinition = {
  name: 'disa',
  summary: 'Check a PIN, collect a destination and branch into its callflow; `_` after failed retries.',
  schema: moduleData({
    pin: { type: 'string', default: '', description: 'Empty: no PIN asked.' },
    retries: { type: 'integer', minimum: 0, default: 3 },
    interdigit: { type: 'integer', minimum: 1, default: 2000, description: 'ms between digits.' },
    max_digits: { type: 'integer', minimum: 1, default: 15 },
    preconnect_audio: { type: 'string', enum: ['dialtone', 'ringing'], default: 'dialtone' },
    ring_repeat_count: { type: 'integer', minimum: 1, default: 1 },
    use_account_caller_id: { type: 'boolean', default: true },
    enforce_call_restriction: { type: 'boolean', default: false },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const pin = text(data.pin) ?? '';
    // Kazoo counts `retries` attempts in all (at least one).
    const attempts = Math.max(1, Number(data.retries) || 0);
    const interdigit = Number(data.interdigit) || 2000;
    await ctx.call.answer();
    if (pin) {
      let ok = false;
      for (let i = 0; i < attempts && !ok; i++) {
        ctx.call.flushDigits();
        const media = await ctx.media.resolve('disa-enter_pin', ctx.language);
        const entered = await collect(ctx, media, Math.max(10, pin.length), interdigit);
        ok = entered === pin;
        if (!ok) await prompt(ctx, 'disa-invalid_pin');
      }
      if (!ok) {
        await prompt(ctx, 'disa-retries_exceeded');
        return stop(`wrong PIN ${attempts} times`);
      }
    }
    const tone = await ctx.media.resolve(preconnectTone(data.preconnect_audio, Number(data.ring_repeat_count) || 1));
    const maxDigits = Number(data.max_digits) || 15;
    for (let tries = 0; tries < attempts; ) {
      ctx.call.flushDigits();
      const digits = await collect(ctx, tone, maxDigits, interdigit);
      // Kazoo: no digits just collects again without using a retry (a silent caller loops until hangup).
      if (!digits) continue;
      // Kazoo looks the E.164 form up; an 8+ digit extension would never match that way (`70610001` →
      // `+70610001`), so the digits as dialled are tried when the E.164 form has no callflow of its own.
      // Any callflow of the account counts, including no_match (the caller is trusted once the PIN passed).
      const e164 = normalizeNumber(digits);
      let number = e164;
      let found = await lookupCallflow(ctx, e164, { allowNoMatch: false });
      if (!found && e164 !== digits) {
        found = await lookupCallflow(ctx, digits, { allowNoMatch: false });
        if (found) number = digits;
      }
      found ??= await lookupCallflow(ctx, e164, { allowNoMatch: true });
      if (!found) {
        tries += 1;
        await prompt(ctx, 'disa-invalid_extension');
        continue;
      }
      if (data.enforce_call_restriction === true && (await restricted(ctx, number))) {
        await prompt(ctx, 'cf-unauthorized_call');
        return { kind: 'hard_stop', cause: 'CALL_REJECTED', reason: `${number} (${classifyNumber(number)}) denied by the account's call_restriction` };
      }
      if (data.use_account_caller_id !== false) {
        const cid = await accountCallerId(ctx);
        if (cid) await commitCallerId(ctx, rewrite(callerIdState(ctx), { number: cid.number!, name: cid.name! }));
      }
      setDestination(ctx, number);
      adoptMatch(ctx, found.match);
      return { kind: 'branch', flow: found.flow, reason: `dialling ${number} (callflow ${found.match.callflowId})` };
    }
    return next(`no callflow for the number after ${attempts} tries`);
  },
};

export default definition;

