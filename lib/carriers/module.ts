// The run of the `resources` and `offnet` modules (Kazoo cf_resources / cf_offnet): work out the number,
// dial it out through the carriers, and Kazoo's outcome — answered: stop; failed: the child named by the
// cause, then `sip:<code>`; none: a short treatment when the call is answered, then hang up with the cause
// (so the caller's phone shows busy / not found). `_` is never followed after a carrier failure.
import { child, stop, type CallContext, type Outcome } from '../engine/module.ts';
import { DESTINATION_KEY } from '../branching/hunt.ts';
import { headersOf } from '../legs/build.ts';
import { text } from '../legs/documents.ts';
import { failureChild, failureReason } from '../ringing/ring.ts';
import { normalizeNumber, stripNumberFormatting } from '../validation/numbers.ts';
import { DEFAULT_OUTBOUND_TIMEOUT_S, dialOut } from './outbound.ts';

/** The number to dial (Kazoo: to_did, else the request — which DISA/privacy/dynamic_cid may have rewritten). */
export function outboundNumber(ctx: CallContext, data: Record<string, unknown>): string {
  const raw = text(data.to_did) ?? text(ctx.attributes[DESTINATION_KEY]) ?? ctx.call.dialed;
  const cleaned = stripNumberFormatting(raw);
  return data.do_not_normalize === true || data.bypass_e164 === true ? cleaned : normalizeNumber(cleaned);
}

/** Kazoo's dynamic_flags: `custom_channel_vars.<name>` reads a CAV; other names (zone, functions) are not supported. */
function dynamicFlags(ctx: CallContext, names: unknown): string[] {
  if (!Array.isArray(names)) return [];
  const out: string[] = [];
  for (const n of names) {
    const m = typeof n === 'string' ? /^custom_channel_vars\.(.+)$/.exec(n) : null;
    const v = m ? ctx.cav[m[1]] : undefined;
    if (v) out.push(v);
  }
  return out;
}

/** Replaces Kazoo's `{caller_id_number}`-style macros in custom header values. */
function expandMacros(ctx: CallContext, headers: Record<string, string>): Record<string, string> {
  const vars: Record<string, string> = { caller_id_number: ctx.call.callerId.number, caller_id_name: ctx.call.callerId.name, account_id: ctx.accountId };
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m)]));
}

async function treatment(ctx: CallContext, cause: string): Promise<void> {
  if (!ctx.call.isAnswered()) return;
  const media =
    cause === 'USER_BUSY'
      ? await ctx.media.resolve('tone_stream://%(500,500,480,620)')
      : await ctx.media.resolve(
          ['UNALLOCATED_NUMBER', 'NO_ROUTE_DESTINATION', 'INVALID_NUMBER_FORMAT'].includes(cause) ? 'fault-can_not_be_completed_as_dialed' : 'fault-can_not_be_completed_at_this_time',
          ctx.language,
        );
  if (media.length) await ctx.call.play(media, { maxMs: 4000 }).catch((err: unknown) => {
    if ((err as Error).name === 'CallGoneError') throw err;
  });
}

export async function runResources(ctx: CallContext, data: Record<string, unknown>, opts: { global: boolean }): Promise<Outcome> {
  const number = outboundNumber(ctx, data);
  const useLocal = opts.global ? false : data.use_local_resources !== false;
  const hunt = text(data.hunt_account_id);
  const timeout = Number(data.timeout);
  const headers = expandMacros(ctx, headersOf(data.custom_sip_headers, 'out'));
  if (data.emit_account_id === true) headers['X-Account-ID'] = ctx.accountId;
  const ringback = text(data.ringback);
  const ringbackMedia = ringback ? await ctx.media.resolve(ringback, ctx.language) : [];
  const result = await dialOut(ctx, {
    number,
    scope: useLocal ? { kind: 'local', ...(hunt ? { huntAccountId: hunt } : {}) } : { kind: 'global' },
    flags: [...(Array.isArray(data.outbound_flags) ? data.outbound_flags.map(String) : []), ...dynamicFlags(ctx, data.dynamic_flags)],
    callerIdType: text(data.caller_id_type) ?? 'external',
    timeoutSec: timeout > 0 ? timeout : DEFAULT_OUTBOUND_TIMEOUT_S,
    ...(ringbackMedia.length ? { ringback: { media: ringbackMedia } } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
  });
  if (result.status === 'answered') return stop(`${number} answered via ${result.attempts[result.attempts.length - 1]}`);
  const tried = result.attempts.length ? `tried ${result.attempts.join(', ')}` : 'no carrier takes it';
  const reason = `${number}: ${failureReason(result)}; ${tried}`;
  const key = failureChild(result, ctx.childKeys);
  if (key) return child(key, reason);
  await treatment(ctx, result.cause);
  return stop(reason, result.cause);
}
