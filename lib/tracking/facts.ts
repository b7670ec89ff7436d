// The facts tracking criteria look at, gathered from a running call (lib/tracking/criteria.ts).
import type { CallContext } from '../engine/module.ts';
import type { Attribution } from './attribution.ts';
import { numberForms } from './attribution.ts';
import { historyWindows, knownCaller, type CallFacts, type Criterion } from './criteria.ts';

const DAY_MS = 86_400_000;

/** Facts of the call; the caller's history (earlier calls to this account) only when a criterion needs it. */
export async function callFacts(ctx: CallContext, criteria: readonly Criterion[]): Promise<CallFacts> {
  const callerNumber = ctx.call.callerId.number ?? '';
  const facts: CallFacts = {
    attribution: ctx.attributes.attribution as Attribution | undefined,
    tags: Array.isArray(ctx.attributes.tags) ? (ctx.attributes.tags as string[]) : [],
    cav: ctx.cav,
    callerNumber,
    zip: typeof ctx.attributes.zip === 'string' ? ctx.attributes.zip : undefined,
  };
  const windows = historyWindows(criteria);
  if (windows.length && knownCaller(callerNumber)) {
    // Enough records to decide every min_calls asked for; the current call has no record yet.
    const limit = Math.max(1, ...criteria.map((c) => (c.type === 'repeat_caller' ? (c.min_calls ?? 1) : 1)));
    const prior = new Map<number, number>();
    for (const days of windows) {
      const filter: Record<string, unknown> = { caller_id_number: { $in: numberForms(callerNumber) }, _id: { $ne: ctx.call.id } };
      if (days > 0) filter.started_at = { $gte: new Date(Date.now() - days * DAY_MS) };
      prior.set(days, (await ctx.data.find('calls', filter, limit)).length);
    }
    facts.priorCalls = prior;
  }
  return facts;
}
