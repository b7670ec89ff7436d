// One `dial` step on a call: the recipients' legs (devices through lib/ringing's leg builder, numbers and
// URIs through routes.ts), screening, whisper, extension digits and the caller ID they show, the ringing
// (lib/ringing ringLegs), what the call record says about it, and the outcome: answered → the post-call flow
// for the caller if the recipient hung up or pressed the post-call key, else stop; not answered → the cause
// child, `sip:<code>`, else `_`. With post_call_for `recipient` the post-call flow is the recipient's instead (a
// disposition menu): when the caller hangs up or the recipient presses the key, the recipient's line is handed
// to ariflow as a new call to the post-call callflow's number (CallControl.dial's handOffLeg), with its own record.
import type { DialLeg, DialOptions, LegCallerId } from '../callcontrol/port.ts';
import { next, stop, type CallContext, type CallflowNode, type Outcome } from '../engine/module.ts';
import { CONFIRM_TIMEOUT_MS } from '../legs/build.ts';
import { callerSide, Directory } from '../legs/load.ts';
import { legsForDevices, nothingToRing, outcomeOf, ringLegs, type Skipped } from '../ringing/ring.ts';
import { nextRotation, rotationKey } from '../ringing/rotation.ts';
import { flowOfCallflow } from '../steps/compile.ts';
import {
  offeredRecipients,
  recipientLabel,
  recipientsForCall,
  rotationMembers,
  type Connection,
  type Recipient,
} from './recipients.ts';
import { phoneLeg, uriLeg } from './routes.ts';

export interface DialSettings {
  connection: Connection;
  recipients: Recipient[];
  /** Seconds each recipient rings (all at once for multi_ring, each in turn for round_robin). */
  timeoutSec: number;
  /** Prevent automated answers: the recipient must press 1 after the prompt. */
  screen: boolean;
  /** Media reference of the screening prompt (default: Kazoo's "press 1 to accept" prompt). */
  screenPrompt?: string;
  /** Seconds the recipient has to press 1 once the prompt ended. */
  screenTimeoutSec: number;
  callerId: 'caller' | 'tracking_number';
  whisper?: { say: string; voice?: string; language?: string } | { play: string };
  /** Callflow id run after the conversation (see postCallFor). */
  postCall?: string;
  /** Key the recipient presses during the conversation to leave it and start the post-call flow. */
  postCallKey?: string;
  /**
   * `caller` (default; WhatConverts' survey): the caller goes on to the post-call flow when the recipient hangs up
   * or presses the key. `recipient` (a disposition menu): the recipient's line runs it when the caller hangs up
   * or the recipient presses the key (the caller is then hung up).
   */
  postCallFor?: 'caller' | 'recipient';
  /** Media reference the caller hears instead of ringing. */
  ringback?: string;
}

/** What the call record keeps about the step (`attributes.dial`). */
export interface DialRecord {
  connection: Connection;
  offered: string[];
  answered_by?: string;
  /** Who ended the conversation (answered calls). */
  ended_by?: 'caller' | 'recipient';
  /** The post-call key the recipient pressed to end it. */
  recipient_key?: string;
  /** The recipient's post-call flow (post_call_for recipient): the new call that runs it, or why none. */
  post_call?: { for: 'recipient'; call_id?: string; error?: string };
  cause?: string;
  not_rung?: Skipped[];
}

/** Time a screened or whispered answer may take on top of ringing (prompt + key press), per recipient. */
const SCREEN_ALLOWANCE_S = 60;

async function whisperMedia(ctx: CallContext, w: DialSettings['whisper']): Promise<string[]> {
  if (!w) return [];
  try {
    if ('say' in w) return [await ctx.media.speak(w.say, { ...(w.voice ? { voice: w.voice } : {}), language: w.language ?? ctx.language })];
    return await ctx.media.resolve(w.play, ctx.language);
  } catch (err) {
    // A whisper that cannot be made must not cost the caller the call.
    ctx.logger.warn({ err: (err as Error).message }, 'dial: whisper unavailable');
    return [];
  }
}

/** The legs of one recipient (a device may have several: its phone and its call forward). */
async function recipientLegs(ctx: CallContext, dir: Directory, r: Recipient, timeoutSec: number, caller: Awaited<ReturnType<typeof callerSide>>): Promise<{ legs: DialLeg[]; skipped: Skipped[] }> {
  const label = recipientLabel(r);
  if (r.type === 'sip' && 'deviceId' in r) {
    const built = await legsForDevices(dir, caller, [
      { deviceId: r.deviceId, props: { source: 'device', timeoutSec, delaySec: 0, canCallSelf: false, suppressClid: false } },
    ]);
    return { legs: built.legs, skipped: built.skipped.map((s) => ({ id: label, reason: s.reason })) };
  }
  const route = r.type === 'phone' ? await phoneLeg(ctx, label, r.number) : uriLeg(r.uri);
  if (!route) return { legs: [], skipped: [{ id: label, reason: 'no_route' }] };
  return { legs: [{ ...route, id: label, timeoutSec, callerId: caller.callerId }], skipped: [] };
}

/** The number the recipient's post-call callflow is reached at (the leg enters it as a call to that number). */
async function recipientFlowNumber(ctx: CallContext, callflowId: string): Promise<string | undefined> {
  const doc = await ctx.data.get<{ numbers?: unknown }>('callflows', callflowId);
  const numbers = Array.isArray(doc?.numbers) ? doc.numbers.filter((n): n is string => typeof n === 'string' && n.length > 0) : [];
  return numbers[0];
}

export async function runDialStep(ctx: CallContext, s: DialSettings): Promise<Outcome> {
  if (!s.recipients.length) return next('no recipients');
  const dir = new Directory(ctx.data, ctx.accountId);
  const caller = await callerSide(ctx, dir);
  const turn = s.connection === 'round_robin' && s.recipients.length > 1 ? await nextRotation(ctx.data, rotationKey(ctx.accountId, rotationMembers(s.recipients))) : 0;
  const ordered = recipientsForCall(s.connection, s.recipients, turn);

  const trackingCid: LegCallerId = { number: ctx.call.dialed, name: ctx.call.dialed };
  const whisper = await whisperMedia(ctx, s.whisper);
  let screenMedia: string[] = [];
  if (s.screen) {
    screenMedia = s.screenPrompt ? await ctx.media.resolve(s.screenPrompt, ctx.language).catch(() => []) : caller.confirmMedia;
  }

  const legs: DialLeg[] = [];
  const skipped: Skipped[] = [];
  /** Leg id → the recipient's label (the record names recipients, not legs). */
  const owner = new Map<string, string>();
  const rung: string[] = [];
  for (const r of ordered) {
    const label = recipientLabel(r);
    const built = await recipientLegs(ctx, dir, r, s.timeoutSec, caller);
    skipped.push(...built.skipped);
    if (built.legs.length) rung.push(label);
    for (const leg of built.legs) {
      // The same recipient listed twice rings twice: leg ids must stay unique.
      if (owner.has(leg.id)) leg.id = `${leg.id}#${legs.length}`;
      owner.set(leg.id, label);
      if (s.callerId === 'tracking_number') leg.callerId = trackingCid;
      if (r.extension) leg.answerDigits = r.extension;
      if (whisper.length) leg.whisper = whisper;
      if (s.screen) {
        leg.confirm = { digit: '1', media: screenMedia, timeoutMs: s.screenTimeoutSec > 0 ? s.screenTimeoutSec * 1000 : CONFIRM_TIMEOUT_MS };
        // One recipient's voicemail or refusal must not end the step while others may still answer.
        delete leg.failOnReject;
      }
      legs.push(leg);
    }
  }
  const record: DialRecord = { connection: s.connection, offered: rung };
  if (skipped.length) record.not_rung = skipped;
  ctx.attributes.dial = record;
  if (!legs.length) return nothingToRing(skipped, 'no recipient can be rung');

  const oneAtATime = s.connection !== 'multi_ring';
  const rounds = oneAtATime ? legs.length : 1;
  const media = s.ringback ? await ctx.media.resolve(s.ringback, ctx.language).catch(() => []) : [];
  const opts: DialOptions = {
    strategy: oneAtATime ? 'single' : 'simultaneous',
    timeoutSec: rounds * (s.timeoutSec + (s.screen || whisper.length ? SCREEN_ALLOWANCE_S : 0)),
    ringback: media.length ? { media } : 'ring',
  };
  if (s.postCall && s.postCallKey) opts.legEndDigits = [s.postCallKey];
  if (s.postCall && s.postCallFor === 'recipient') {
    const exten = await recipientFlowNumber(ctx, s.postCall);
    if (exten) {
      opts.handOffLeg = { exten, accountId: ctx.accountId, on: s.postCallKey ? ['caller_hangup', 'leg_digit'] : ['caller_hangup'], callerId: ctx.call.callerId };
    } else {
      record.post_call = { for: 'recipient', error: `post-call callflow ${s.postCall} not found or has no number` };
      ctx.logger.warn({ callflow: s.postCall }, 'dial: the recipient post-call callflow needs a number');
    }
  }
  const result = await ringLegs(ctx, legs, opts);
  if (result.status !== 'answered') {
    record.cause = result.cause;
    return outcomeOf(ctx, result, skipped);
  }
  const answeredBy = owner.get(result.leg) ?? result.leg;
  record.answered_by = answeredBy;
  record.offered = offeredRecipients(s.connection, rung, answeredBy);
  // dial() resolves once either side left the bridge: a caller still here was left by the recipient.
  const callerLeft = ctx.call.signal.aborted;
  record.ended_by = callerLeft ? 'caller' : 'recipient';
  if (result.endedBy === 'leg_digit' && result.digit) record.recipient_key = result.digit;
  if (s.postCallFor === 'recipient') {
    if (result.handedOff) record.post_call = { for: 'recipient', call_id: result.handedOff };
    else if (opts.handOffLeg && (callerLeft || result.endedBy === 'leg_digit')) record.post_call = { for: 'recipient', error: 'the recipient could not be handed over' };
    // The caller's side is done either way (hung up, or left by a recipient who went on to the post-call flow).
    return stop(`answered by ${answeredBy}${result.handedOff ? `; recipient's post-call callflow ${s.postCall}` : ''}`);
  }
  if (callerLeft || !s.postCall) return stop(`answered by ${answeredBy}`);
  const doc = await ctx.data.get<Record<string, unknown>>('callflows', s.postCall);
  const flow: CallflowNode | undefined = doc ? flowOfCallflow(doc) : undefined;
  if (!flow) return stop(`answered by ${answeredBy}; post-call callflow ${s.postCall} not found`);
  // `replace`, not `branch`: the conversation happened, so this node's `_` (the no-answer path, or the next
  // step of a step list) must not run once the post-call flow returns.
  return { kind: 'replace', flow, reason: `answered by ${answeredBy}; post-call callflow ${s.postCall}` };
}
