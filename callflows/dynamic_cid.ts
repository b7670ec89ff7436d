// Sets the outgoing caller ID by prompt, static value or match list, optionally dialling onwards.
// Kazoo: cf_dynamic_cid, module name `dynamic_cid`.
import type { CallerId } from '../lib/callcontrol/port.ts';
import { next, stop, type CallContext, type ModuleDefinition, type Outcome } from '../lib/engine/module.ts';
import { callingEndpoint, isRestricted } from '../lib/branching/calling-endpoint.ts';
import { adoptMatch, isAuthorisedCaller, lookupCallflow, setDestination } from '../lib/branching/hunt.ts';
import { loadList, selectListEntry } from '../lib/callerid/match-lists.ts';
import { callerIdOf, callerIdState, commitCallerId } from '../lib/callerid/state.ts';
import { normalizeNumber } from '../lib/validation/numbers.ts';
import { compilePattern } from '../lib/validation/patterns.ts';
import { DTMF_KEYS, docId, mediaRef, moduleData, regex } from './schema-parts.ts';

// system_config callflow.dynamic_cid defaults (reference appendix B).
const ENTER_PROMPT = 'dynamic-cid-enter_cid';
const REJECT_PROMPT = 'dynamic-cid-invalid_using_default';
const ACCEPT_TONE = 'tone_stream://%(250,50,440)';
const COLLECT_TIMEOUT_MS = 5000;

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Prompts are for the caller to hear: the call is answered first. */
async function playPrompt(ctx: CallContext, ref: string, terminators: string[] = []): Promise<void> {
  const media = await ctx.media.resolve(ref, ctx.language);
  if (!media.length) return;
  if (!ctx.call.isAnswered()) await ctx.call.answer();
  await ctx.call.play(media, { terminators, language: ctx.language });
}

/**
 * Kazoo's maybe_set_default_cid: a missing name keeps the caller's; a missing number keeps the caller's
 * and the caller hears the reject prompt (so does a missing pair).
 */
function withDefaults(ctx: CallContext, name: string | undefined, number: string | undefined): { cid: CallerId; rejected: boolean } {
  const current = callerIdOf(ctx);
  return { cid: { name: name ?? current.name, number: number ?? current.number }, rejected: number === undefined };
}

/** The new caller ID for later legs, and the call's destination when a capture group holds one. */
async function setDynamicCid(ctx: CallContext, cid: Partial<CallerId>, capture: string | undefined): Promise<string | undefined> {
  const state = callerIdState(ctx);
  await commitCallerId(ctx, { ...state, base: { ...state.base, ...cid }, dynamic: cid });
  const destination = capture ? normalizeNumber(capture) : undefined;
  if (destination) setDestination(ctx, destination);
  return destination;
}

function interdigitMs(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return 2000;
  // Kazoo's code reads milliseconds while its schema text says seconds: a value too small to be
  // milliseconds (a human could not dial within it) was meant as seconds.
  return n < 100 ? n * 1000 : n;
}

async function manual(ctx: CallContext, data: Record<string, unknown>): Promise<Outcome> {
  await ctx.call.answer();
  const current = callerIdOf(ctx).number;
  const max = Number(data.max_digits) > 0 ? Number(data.max_digits) : 10;
  const min = Number(data.min_digits) >= 0 ? Number(data.min_digits) : 10;
  // Digits pressed during the prompt stop it and count as the start of the entry.
  await playPrompt(ctx, nonEmpty(data.media_id) ?? ENTER_PROMPT, DTMF_KEYS.filter((d) => d !== '#'));
  const { digits } = await ctx.call.collectDigits({
    maxDigits: max,
    timeoutMs: COLLECT_TIMEOUT_MS,
    interdigitMs: interdigitMs(data.interdigit_timeout),
    terminators: ['#'],
  });
  let accepted = false;
  if (digits) {
    try {
      // Unanchored like Erlang re:run: the default `\d+` accepts any entry with a digit.
      accepted = compilePattern(nonEmpty(data.whitelist_regex) ?? '\\d+').test(digits) && digits.length >= min;
    } catch {
      accepted = false; // a whitelist that does not compile accepts nothing
    }
  }
  const number = accepted ? digits : current;
  // The new CID is in place before the caller hears the verdict.
  const destination = await setDynamicCid(ctx, { number }, ctx.captureGroup);
  await playPrompt(ctx, accepted ? ACCEPT_TONE : REJECT_PROMPT);
  ctx.call.flushDigits();
  const why = accepted ? `caller id number ${number}` : `entry ${JSON.stringify(digits)} rejected, keeping ${current}`;
  return next(destination ? `${why}; destination ${destination}` : why);
}

async function staticCid(ctx: CallContext, data: Record<string, unknown>): Promise<Outcome> {
  const cid = (data.caller_id && typeof data.caller_id === 'object' ? data.caller_id : {}) as { name?: unknown; number?: unknown };
  const { cid: chosen, rejected } = withDefaults(ctx, nonEmpty(cid.name), nonEmpty(cid.number));
  const destination = await setDynamicCid(ctx, chosen, ctx.captureGroup);
  if (rejected) await playPrompt(ctx, REJECT_PROMPT);
  const why = `caller id "${chosen.name}" <${chosen.number}>`;
  return next(destination ? `${why}; destination ${destination}` : why);
}

/** Kazoo: answer, say the call cannot be completed, end this (sub)flow. */
async function cannotComplete(ctx: CallContext, reason: string): Promise<Outcome> {
  await playPrompt(ctx, 'fault-can_not_be_completed_as_dialed');
  return stop(reason);
}

async function fromList(ctx: CallContext, data: Record<string, unknown>, capture: string): Promise<Outcome> {
  const list = await loadList(ctx.data, data.id);
  if (!list) return cannotComplete(ctx, `list ${nonEmpty(data.id) ?? '(none)'} not found`);
  const idxName = nonEmpty(data.idx_name);
  const picked = selectListEntry(list, capture, idxName ? { idxName, groups: ctx.captureGroups } : undefined);
  if (!picked) return cannotComplete(ctx, `no list key in ${capture}`);
  // No entry for the key: Kazoo keeps the caller's CID (with the reject prompt) and still routes.
  const { cid: chosen, rejected } = withDefaults(ctx, nonEmpty(picked.entry?.name), nonEmpty(picked.entry?.number));
  const destination = await setDynamicCid(ctx, chosen, picked.destination);
  if (rejected) await playPrompt(ctx, REJECT_PROMPT);
  const why = `key ${picked.key}${picked.entry ? '' : ' (no entry)'}: caller id "${chosen.name}" <${chosen.number}>`;
  if (!destination) return next(`${why}; no destination`);

  // The rest of the number is dialled as a new lookup: by default only the account's `no_match`
  // (outbound) callflow may take it, so a list cannot be used to reach internal extensions.
  const found = await lookupCallflow(ctx, destination, { allowNoMatch: isAuthorisedCaller(ctx) });
  if (!found || (found.match.via !== 'no_match' && data.permit_custom_callflow !== true)) {
    await playPrompt(ctx, 'disa-invalid_extension');
    return stop(`${why}; no callflow may take ${destination}`);
  }
  if (data.enforce_call_restriction !== false && isRestricted(await callingEndpoint(ctx), destination)) {
    await playPrompt(ctx, 'cf-unauthorized_call');
    return { kind: 'hard_stop', reason: `${why}; ${destination} is restricted for this caller` };
  }
  adoptMatch(ctx, found.match);
  return { kind: 'branch', flow: found.flow, reason: `${why}; dialling ${destination} (callflow ${found.match.callflowId})` };
}

const definition: ModuleDefinition = {
  name: 'dynamic_cid',
  summary: 'manual/static: set the caller ID and continue; list/lists: pick CID from a list and branch.',
  schema: moduleData({
    action: { type: 'string', enum: ['manual', 'static', 'list', 'lists'], default: 'manual' },
    caller_id: {
      type: 'object',
      properties: { name: { type: 'string' }, number: { type: 'string' } },
    },
    media_id: { ...mediaRef, description: 'Prompt for manual entry.' },
    min_digits: { type: 'integer', minimum: 0, default: 10 },
    max_digits: { type: 'integer', minimum: 1, default: 10 },
    whitelist_regex: { ...regex, default: '\\d+' },
    interdigit_timeout: { type: 'integer', minimum: 1, default: 2000, description: 'Milliseconds (values below 100 are taken as seconds).' },
    id: { ...docId, description: 'Match list id (collection `lists`) for list/lists.' },
    idx_name: { type: 'string', description: 'Named capture group holding the list key.' },
    enforce_call_restriction: { type: 'boolean', default: true },
    permit_custom_callflow: { type: 'boolean', default: false },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const capture = ctx.captureGroup ?? '';
    switch (data.action) {
      case 'static':
        return staticCid(ctx, data);
      case 'list':
      case 'lists':
        // Kazoo falls back to manual entry when there is no capture group to split.
        if (capture) return fromList(ctx, data, capture);
        return manual(ctx, data);
      default:
        return manual(ctx, data);
    }
  },
};

export default definition;
