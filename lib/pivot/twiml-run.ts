// Runs parsed TwiML verbs on the call through the call-control port, like Kazoo's kzt_twiml: verbs run in
// order until one asks for a new document (Gather with digits, Redirect, Record with an action), hangs
// up (Hangup, Reject), or the document ends. Each verb's effect is written to `log` for the call record.
import { CallGoneError } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';
import { checkTarget, parseTargetUrl, type AddressPolicy } from './address-policy.ts';
import { PivotFailure } from './failure.ts';
import { checkDial, runDial } from './twiml-dial.ts';
import type { SessionVars } from './params.ts';
import type { GatherVerb, HttpMethod, Prompt, RecordVerb, TwimlVerb } from './twiml.ts';

export type TwimlOutcome =
  | { kind: 'request'; url: URL; method: HttpMethod; vars: SessionVars; why: string }
  | { kind: 'end' }
  | { kind: 'hangup' }
  | { kind: 'reject'; cause: string };

export interface TwimlRunOptions {
  /** The URL the document came from: relative action/Redirect/Play URLs resolve against it. */
  documentUrl: URL;
  policy: AddressPolicy;
  /** What each verb did, appended as it runs. */
  log: string[];
  /** Absolute base of ariflow's API for RecordingUrl (ARIFLOW_PUBLIC_URL); absent: the URL is a path. */
  publicUrl?: string;
}

const ALL_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** Twilio's voice names → Kazoo's (the TTS engine's default for anything engine-specific such as Polly.*). */
export function kazooVoice(voice: string | undefined): string | undefined {
  const v = voice?.toLowerCase();
  if (v === 'man' || v === 'male') return 'male';
  if (v === 'woman' || v === 'alice' || v === 'female') return 'female';
  return undefined;
}

/** The action URL of Gather/Record (default: the current document), or a Redirect's URL. */
function target(raw: string | undefined, base: URL): URL {
  return raw === undefined ? new URL(base) : parseTargetUrl(raw, base.href);
}

/** Prompt media: an http(s) URL or a Kazoo media reference (`beep`, a media id...). */
async function playable(ctx: CallContext, media: string, opts: TwimlRunOptions): Promise<string[]> {
  if (!isUrlMedia(media)) return ctx.media.resolve(media, ctx.language);
  // Checked by checkTwiml before the document ran.
  return [`sound:${parseTargetUrl(media, opts.documentUrl.href).href}`];
}

/**
 * Plays one prompt. With `terminators` (inside Gather) a key press stops it and the remaining loops;
 * returns true when it was interrupted that way.
 */
async function runPrompt(ctx: CallContext, p: Prompt, opts: TwimlRunOptions, terminators?: string[]): Promise<boolean> {
  await ctx.call.answer();
  if (p.verb === 'Pause') {
    if (p.seconds === 0) return false;
    if (!terminators) {
      await ctx.call.sleep(p.seconds * 1000);
      opts.log.push(`Pause ${p.seconds}s`);
      return false;
    }
    // Inside Gather a pause must end on a key press: play silence, which the port can interrupt.
    const r = await ctx.call.play(await ctx.media.resolve(`silence_stream://${p.seconds * 1000}`), { terminators });
    opts.log.push(`Pause ${p.seconds}s${r.status === 'interrupted' ? ' (key pressed)' : ''}`);
    return r.status === 'interrupted';
  }
  let media: string[];
  if (p.verb === 'Say') {
    try {
      media = [await ctx.media.speak(p.text, { voice: kazooVoice(p.voice), language: p.language ?? ctx.language })];
    } catch (err) {
      if (err instanceof CallGoneError) throw err;
      // Like the tts module: a failed synthesis skips the prompt rather than the whole document.
      opts.log.push(`Say failed: ${(err as Error).message}`);
      return false;
    }
  } else {
    media = await playable(ctx, p.media, opts);
    if (!media.length) {
      opts.log.push(`Play ${p.media}: media not found`);
      return false;
    }
  }
  const loops = p.loop === 0 ? Number.POSITIVE_INFINITY : p.loop;
  for (let i = 0; i < loops; i++) {
    const r = await ctx.call.play(media, { terminators, language: ctx.language });
    if (r.status === 'interrupted') {
      opts.log.push(`${p.verb} (interrupted by ${r.digit ?? 'a key'})`);
      return true;
    }
    if (r.status === 'failed') {
      opts.log.push(`${p.verb} failed to play`);
      return false;
    }
  }
  opts.log.push(p.verb === 'Say' ? `Say "${p.text.slice(0, 60)}"` : `Play ${p.media.slice(0, 120)}`);
  return false;
}

async function gather(ctx: CallContext, g: GatherVerb, opts: TwimlRunOptions): Promise<TwimlOutcome | undefined> {
  await ctx.call.answer();
  // Keys pressed before the Gather belong to no Gather (Kazoo clears its collected digits here too).
  ctx.call.flushDigits();
  for (const p of g.prompts) {
    if (await runPrompt(ctx, p, opts, ALL_KEYS)) break;
  }
  const waitMs = g.timeoutSec * 1000;
  const r = await ctx.call.collectDigits({
    // No numDigits: only finishOnKey or the timeout end the input (128 keys is more than any phone user types).
    maxDigits: g.numDigits ?? 128,
    timeoutMs: waitMs,
    interdigitMs: waitMs,
    terminators: g.finishOnKey ? [...g.finishOnKey] : [],
  });
  if (!r.digits) {
    opts.log.push('Gather: no input');
    return undefined;
  }
  opts.log.push(`Gather: ${r.digits.length} digit(s) (${r.reason})`);
  return { kind: 'request', url: target(g.action, opts.documentUrl), method: g.method, vars: { digits: r.digits }, why: 'Gather' };
}

/** finishOnKey → what the port can stop a recording on (any key, `#` only, or none). */
export function recordTerminator(finishOnKey: string): '#' | 'any' | 'none' {
  if (finishOnKey === '') return 'none';
  return finishOnKey === '#' ? '#' : 'any';
}

/**
 * Record (Kazoo's kzt_twiml record_call): beep, record until silence, a key, the length limit or hangup;
 * the recording becomes a media document of the account and the action URL gets RecordingUrl (its
 * download address in the API), RecordingDuration and RecordingSid (the media id). Nothing recorded:
 * on to the next verb, as Kazoo does.
 */
async function record(ctx: CallContext, v: RecordVerb, opts: TwimlRunOptions): Promise<TwimlOutcome | undefined> {
  await ctx.call.answer();
  const rec = ctx.media.newRecording();
  const r = await ctx.call.record({
    path: rec.path,
    maxDurationSec: v.maxLengthSec,
    maxSilenceSec: v.timeoutSec,
    beep: v.playBeep,
    terminateOn: recordTerminator(v.finishOnKey),
  });
  if (!r.file || r.durationMs <= 0) {
    await ctx.media.discardRecording(rec);
    opts.log.push(`Record: nothing recorded (${r.reason})`);
    return undefined;
  }
  if (!(await ctx.media.saveRecording(rec, { name: `pivot recording ${new Date().toISOString()}`, call_id: ctx.call.id }))) {
    opts.log.push('Record: the recording could not be stored');
    return undefined;
  }
  const path = `/v2/accounts/${ctx.accountId}/media/${rec.mediaId}/raw`;
  const seconds = Math.round(r.durationMs / 1000);
  opts.log.push(`Record: ${seconds}s (${r.reason})`);
  if (r.reason === 'hangup') return undefined;
  return {
    kind: 'request',
    url: target(v.action, opts.documentUrl),
    method: v.method,
    vars: { recordingUrl: opts.publicUrl ? `${opts.publicUrl.replace(/\/+$/, '')}${path}` : path, recordingDuration: seconds, recordingId: rec.mediaId, ...(r.digit ? { digits: r.digit } : {}) },
    why: 'Record',
  };
}

/** True for Play content that names a URL (absolute or relative) rather than a Kazoo media reference. */
function isUrlMedia(media: string): boolean {
  return /^https?:\/\//i.test(media) || media.startsWith('/') || media.startsWith('./') || media.startsWith('../');
}

function* allPrompts(verbs: TwimlVerb[]): Generator<Prompt> {
  for (const v of verbs) {
    if (v.verb === 'Say' || v.verb === 'Play' || v.verb === 'Pause') yield v;
    else if (v.verb === 'Gather') yield* v.prompts;
  }
}

/**
 * Everything that can be refused about a document, found before any of it runs so the call takes `_`
 * cleanly instead of after half a document:
 * - Dial with a Conference (not supported yet), a malformed Number or Sip, or a Sip host the address
 *   policy refuses (lib/pivot/twiml-dial.ts);
 * - malformed action/Redirect/Play URLs, and Play targets refused by the address policy
 *   (Asterisk fetches them itself, so they get the same check as pivot requests).
 */
export async function checkTwiml(verbs: TwimlVerb[], opts: Pick<TwimlRunOptions, 'documentUrl' | 'policy'>, signal: AbortSignal): Promise<void> {
  for (const v of verbs) {
    if (v.verb === 'Dial') await checkDial(v, opts.policy, signal);
    if (v.verb === 'Redirect') target(v.url, opts.documentUrl);
    if (v.verb === 'Gather') target(v.action, opts.documentUrl);
    if (v.verb === 'Dial' && v.action !== undefined) target(v.action, opts.documentUrl);
  }
  for (const p of allPrompts(verbs)) {
    if (p.verb === 'Play' && isUrlMedia(p.media)) await checkTarget(parseTargetUrl(p.media, opts.documentUrl.href), opts.policy, signal);
  }
}

export async function runTwiml(ctx: CallContext, verbs: TwimlVerb[], opts: TwimlRunOptions): Promise<TwimlOutcome> {
  for (const v of verbs) {
    switch (v.verb) {
      case 'Say':
      case 'Play':
      case 'Pause':
        await runPrompt(ctx, v, opts);
        break;
      case 'Gather': {
        const out = await gather(ctx, v, opts);
        if (out) return out;
        break;
      }
      case 'Record': {
        const out = await record(ctx, v, opts);
        if (out) return out;
        break;
      }
      case 'Dial': {
        const out = await runDial(ctx, v);
        opts.log.push(out.summary);
        if (v.action !== undefined) return { kind: 'request', url: target(v.action, opts.documentUrl), method: v.method, vars: out.vars, why: 'Dial' };
        break;
      }
      case 'Redirect':
        opts.log.push(`Redirect ${v.method} ${v.url.slice(0, 120)}`);
        return { kind: 'request', url: target(v.url, opts.documentUrl), method: v.method, vars: {}, why: 'Redirect' };
      case 'Hangup':
        opts.log.push('Hangup');
        return { kind: 'hangup' };
      case 'Reject':
        opts.log.push(`Reject (${v.reason})`);
        return { kind: 'reject', cause: v.reason === 'busy' ? 'USER_BUSY' : 'CALL_REJECTED' };
    }
  }
  return { kind: 'end' };
}
