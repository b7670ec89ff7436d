// The call's caller-ID state as Kazoo keeps it (reference §2.4, §3.5): the call's own CID (which
// check_cid, lookupcidname and dynamic_cid change), then prepend_cid prefixes, set_cid rewrites and
// privacy flags layered on top. The layered result is what later legs present, and ariflow also puts
// it on the caller's channel so it is visible at once (CALLERID(name/num), and the presentation).
import type { CallerId } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';

/** Stored on the call record, hence snake_case like the rest of it. */
export interface Privacy {
  hide_name: boolean;
  hide_number: boolean;
}

export interface CallerIdState {
  /** The call's caller ID (Kazoo's kapps_call:caller_id_*), before prefixes, rewrites and privacy. */
  base: CallerId;
  /** dynamic_cid's choice (beats an on-net endpoint's configured CID when legs are built). */
  dynamic?: Partial<CallerId>;
  /** prepend_cid prefixes (empty strings when unset). */
  prefix: CallerId;
  /** set_cid rewrites: a present value replaces the (prefixed) CID. */
  rewrite: Partial<CallerId>;
  privacy: Privacy;
}

/** What Kazoo shows for a hidden name / number (kazoo_endpoint privacy, privacy_mode `kazoo`). */
export const ANONYMOUS_NAME = 'anonymous';
export const ANONYMOUS_NUMBER = '0000000000';

/** Where the state lives: on ctx.attributes, so the call record shows it too. */
export const STATE_KEY = 'caller_id';

export function initialState(cid: CallerId): CallerIdState {
  return {
    base: { name: cid.name, number: cid.number },
    prefix: { name: '', number: '' },
    rewrite: {},
    privacy: { hide_name: false, hide_number: false },
  };
}

/** The CID a new leg presents, and the caller's channel shows: base → prefix → rewrite → privacy. */
export function effectiveCallerId(state: CallerIdState): CallerId & { namePresentation: 'allowed' | 'prohib'; numberPresentation: 'allowed' | 'prohib' } {
  let name = state.prefix.name + state.base.name;
  let number = state.prefix.number + state.base.number;
  if (state.rewrite.name !== undefined) name = state.rewrite.name;
  if (state.rewrite.number !== undefined) number = state.rewrite.number;
  if (state.privacy.hide_name) name = ANONYMOUS_NAME;
  if (state.privacy.hide_number) number = ANONYMOUS_NUMBER;
  return {
    name,
    number,
    namePresentation: state.privacy.hide_name ? 'prohib' : 'allowed',
    numberPresentation: state.privacy.hide_number ? 'prohib' : 'allowed',
  };
}

/**
 * prepend_cid: `current` puts the new prefixes in front of those already set (prefixes accumulate,
 * "B:" after "A:" gives "B:A:"); `original` replaces them (an empty prefix then clears that part).
 */
export function prepend(state: CallerIdState, prefix: CallerId, applyTo: 'current' | 'original'): CallerIdState {
  if (applyTo === 'original') return { ...state, prefix: { name: prefix.name, number: prefix.number } };
  return { ...state, prefix: { name: prefix.name + state.prefix.name, number: prefix.number + state.prefix.number } };
}

export function resetPrefix(state: CallerIdState): CallerIdState {
  return { ...state, prefix: { name: '', number: '' } };
}

/** set_cid: a non-empty value becomes the rewrite, an empty one removes an earlier rewrite. */
export function rewrite(state: CallerIdState, cid: CallerId): CallerIdState {
  const next: Partial<CallerId> = { ...state.rewrite };
  for (const part of ['name', 'number'] as const) {
    if (cid[part] === '') delete next[part];
    else next[part] = cid[part];
  }
  return { ...state, rewrite: next };
}

export type PrivacyMode = 'full' | 'yes' | 'name' | 'number' | 'none';

/** Kazoo's privacy modes: `yes` is `full`; an unknown mode is `full` too (the schema default). */
export function privacyFlags(mode: string | undefined): Privacy {
  switch (mode) {
    case 'none':
      return { hide_name: false, hide_number: false };
    case 'name':
      return { hide_name: true, hide_number: false };
    case 'number':
      return { hide_name: false, hide_number: true };
    default:
      return { hide_name: true, hide_number: true };
  }
}

/** endpoint_strategy `merge`: OR with the calling endpoint's own outbound privacy. */
export function mergePrivacy(a: Privacy, b: Privacy): Privacy {
  return { hide_name: a.hide_name || b.hide_name, hide_number: a.hide_number || b.hide_number };
}

function isState(v: unknown): v is CallerIdState {
  const s = v as CallerIdState | undefined;
  return !!s && typeof s === 'object' && !!s.base && !!s.prefix && !!s.rewrite && !!s.privacy;
}

/** The call's state, created from the channel's caller ID the first time a module asks. */
export function callerIdState(ctx: CallContext): CallerIdState {
  const held = ctx.attributes[STATE_KEY];
  if (isState(held)) return held;
  const state = initialState(ctx.call.callerId);
  ctx.attributes[STATE_KEY] = state;
  return state;
}

/** The call's own caller ID (what check_cid, cidlistmatch, lookupcidname test). */
export function callerIdOf(ctx: CallContext): CallerId {
  return callerIdState(ctx).base;
}

/** The CID later legs present (for the modules that build legs). */
export function callerIdForLegs(ctx: CallContext): ReturnType<typeof effectiveCallerId> {
  return effectiveCallerId(callerIdState(ctx));
}

/** Stores the new state and shows its result on the caller's channel. */
export async function commitCallerId(ctx: CallContext, state: CallerIdState): Promise<void> {
  const before = effectiveCallerId(callerIdState(ctx));
  ctx.attributes[STATE_KEY] = state;
  const after = effectiveCallerId(state);
  const shown = ctx.call.callerId;
  const cid: Partial<CallerId> = {};
  if (after.name !== shown.name) cid.name = after.name;
  if (after.number !== shown.number) cid.number = after.number;
  if (cid.name !== undefined || cid.number !== undefined) await ctx.call.setCallerId(cid);
  if (after.namePresentation !== before.namePresentation) await ctx.call.setVariable('CALLERID(name-pres)', after.namePresentation);
  if (after.numberPresentation !== before.numberPresentation) await ctx.call.setVariable('CALLERID(num-pres)', after.numberPresentation);
}
