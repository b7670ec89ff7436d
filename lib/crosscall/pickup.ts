// What group_pickup, intercept and their feature-code variants share (reference §2.6): resolve the target,
// check the caller may, take the call over through the port, and Kazoo's prompts when it cannot.
import { stop, type CallContext, type Outcome } from '../engine/module.ts';
import { approved, callingDevice, inGroup, resolveTarget, type Approval, type TargetIds } from './targets.ts';

export type PickupKind = 'pickup' | 'intercept';

/** Kazoo prompt for a refused caller (cf_group_pickup / cf_intercept `no_permission`). */
const NO_PERMISSION = 'cf-unauthorized_call';

/** Answers and plays a Kazoo prompt, then stops (these modules are terminal). */
export async function refuse(ctx: CallContext, prompt: string, reason: string): Promise<Outcome> {
  await ctx.call.answer();
  await ctx.call.play(await ctx.media.resolve(prompt, ctx.language));
  return stop(reason);
}

/**
 * May the calling device take this target's calls? group_pickup: everybody when no approval field is set;
 * intercept: only the target's owner (same user) or, with group_id, a caller in that group.
 */
export async function mayTake(ctx: CallContext, kind: PickupKind, data: Approval & { group_id?: unknown }, targetOwners: readonly string[]): Promise<boolean> {
  const verdict = await approved(ctx, data);
  if (verdict !== undefined) return verdict;
  if (kind === 'pickup') return true;
  const caller = await callingDevice(ctx);
  if (caller.ownerIds.some((o) => targetOwners.includes(o))) return true;
  const groupId = typeof data.group_id === 'string' ? data.group_id : undefined;
  return groupId !== undefined && (await inGroup(ctx, groupId, caller.device ? String(caller.device._id) : undefined, caller.ownerIds));
}

/** Picks up (or intercepts) a call of the target named by device_id > user_id > group_id. */
export async function runPickup(ctx: CallContext, kind: PickupKind, ids: TargetIds, data: Approval & { group_id?: unknown }): Promise<Outcome> {
  const target = await resolveTarget(ctx, ids);
  if (!target || target.deviceIds.length === 0) return refuse(ctx, `${kind}-no_users`, 'no target devices');
  if (!(await mayTake(ctx, kind, data, target.ownerIds))) return refuse(ctx, NO_PERMISSION, 'not permitted');
  const result = await ctx.call.pickup(target, { answered: kind === 'intercept' });
  if (result.status === 'none') return refuse(ctx, `${kind}-no_channels`, 'no call to take');
  ctx.attributes.call_bridged = true;
  ctx.attributes.bridged_to = result.callId;
  return stop(`${result.wasRinging ? 'picked up' : 'intercepted'} call ${result.callId} (${result.side} side)`);
}
