// Camps on a busy extension (from the capture group) and calls both parties back when it frees.
// Kazoo: cf_camping_feature, module name `camping_feature`.
// The request is stored in the account's `camping` document (lib/crosscall/camping.ts; API GET
// /v2/accounts/{id}/camping); the poller lives in this process: a restarted ariflow lists and expires the
// requests it finds, but does not resume them.
import { stop, type ModuleDefinition } from '../lib/engine/module.ts';
import type { CallflowNode } from '../lib/engine/module.ts';
import { refuse } from '../lib/crosscall/pickup.ts';
import { callflowFor, callingDevice, extensionEndpoint, resolveTarget } from '../lib/crosscall/targets.ts';
import { callerSide, Directory } from '../lib/legs/load.ts';
import { legsForDevices } from '../lib/ringing/ring.ts';
import { BOOT_ID, newCampId, sweepCamps, writeCamp, type CampRequest } from '../lib/crosscall/camping.ts';
import { moduleData } from './schema-parts.ts';

/** How long a camp request lives when the node does not say (s). */
const DEFAULT_CAMP_S = 300;
/** How often a camp request looks whether the target is free. */
const POLL_MS = 1000;
/** How long the camper's phone rings when the target is free (s). */
const CALLBACK_RING_S = 30;

const definition: ModuleDefinition = {
  name: 'camping_feature',
  summary: 'Camp on the captured extension: call back when it is free, or connect now if idle.',
  schema: moduleData({
    timeout: { type: 'integer', minimum: 0, description: 'How long the camp request lives (s).' },
    tries: { type: 'integer', minimum: 1, description: 'Offnet targets: call-back attempts.' },
    try_interval: { type: 'integer', minimum: 0, description: 'Offnet targets: seconds between attempts.' },
    stop_after: { type: 'integer', minimum: 0, description: 'Offnet targets: give up after (s).' },
  }),
  children: [],
  implemented: true,
  async run(ctx, data) {
    const ext = ctx.captureGroup;
    const cf = ext ? await callflowFor(ctx, ext) : undefined;
    // ariflow camps on user and device targets; Kazoo's offnet camping (tries/try_interval/stop_after) is not done.
    const ids = extensionEndpoint(cf?.flow as CallflowNode | undefined, ['device', 'user']);
    const target = ids ? await resolveTarget(ctx, ids) : undefined;
    if (!cf || !ext || !target || !target.deviceIds.length) return refuse(ctx, 'camper-deny', `cannot camp on ${ext ?? '(no capture)'}`);
    const busy = ctx.call.activity(target);
    // Idle target: straight to it (Kazoo branches to the extension's callflow).
    if (busy.answered === 0 && busy.ringing === 0) return { kind: 'branch', flow: cf.flow as CallflowNode, reason: `${ext} is free` };
    const caller = await callingDevice(ctx);
    if (!caller.device) return refuse(ctx, 'camper-deny', 'only a device can camp');
    const dir = new Directory(ctx.data, ctx.accountId);
    const { legs } = await legsForDevices(dir, await callerSide(ctx, dir), [
      { deviceId: String(caller.device._id), props: { source: 'device', timeoutSec: CALLBACK_RING_S, delaySec: 0, canCallSelf: true, suppressClid: false } },
    ]);
    if (!legs.length) return refuse(ctx, 'camper-deny', 'the calling device cannot be rung back');
    await ctx.call.answer();
    await ctx.call.play(await ctx.media.resolve('camper-queue', ctx.language));
    // The camp request outlives this call: once the target is free, the camper's phone rings and, answered,
    // calls the extension (a new call, routed like any other).
    const call = ctx.call;
    const log = ctx.logger;
    const { data: store, accountId } = ctx;
    const until = Date.now() + (Number(data.timeout) > 0 ? Number(data.timeout) : DEFAULT_CAMP_S) * 1000;
    // Stored, so the request can be listed and, left by a process that stopped, cleaned up (lib/crosscall/camping.ts).
    await sweepCamps(ctx).catch((err: Error) => log.warn({ err: err.message }, 'sweeping camp requests failed'));
    const campId = newCampId();
    const request: CampRequest = {
      extension: ext,
      target: { device_ids: target.deviceIds, endpoints: target.endpoints },
      camper_device_id: String(caller.device._id),
      status: 'waiting',
      created_at: new Date().toISOString(),
      expires_at: new Date(until).toISOString(),
      boot_id: BOOT_ID,
      caller_id_number: call.callerId.number,
    };
    const save = (r: Partial<CampRequest> | undefined) => writeCamp(store, accountId, campId, r).catch((err: Error) => log.warn({ err: err.message, campId }, 'storing the camp request failed'));
    await writeCamp(store, accountId, campId, request, true);
    const poll = () => {
      const now = call.activity(target);
      if (now.answered === 0 && now.ringing === 0) {
        log.info({ ext, campId }, 'camped-on extension is free: ringing the camper back');
        void save({ status: 'calling_back' });
        call.callBack(legs[0], ext, { timeoutSec: CALLBACK_RING_S }).then(
          (r) => log.info({ ext, status: r.status }, 'camper call-back'),
          (err: Error) => log.warn({ err: err.message }, 'camper call-back failed'),
        ).finally(() => void save(undefined));
      } else if (Date.now() < until) setTimeout(poll, POLL_MS).unref();
      else {
        log.info({ ext, campId }, 'camp request expired');
        void save(undefined);
      }
    };
    setTimeout(poll, POLL_MS).unref();
    return stop(`camping on ${ext} (${campId})`);
  },
};

export default definition;
