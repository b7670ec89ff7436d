// Pages many endpoints at once with auto-answer, one-way (they listen) or two-way.
// Kazoo: cf_page_group, module name `page_group`.
import { next, stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { callerSide, Directory } from '../lib/legs/load.ts';
import { leaveBusyAlone, sipUserOf } from '../lib/paging/barge.ts';
import { resolveMembers, toMember, type Member } from '../lib/ringing/members.ts';
import { legsForDevices, nothingToRing } from '../lib/ringing/ring.ts';
import { endpointMember, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'page_group',
  summary: 'Auto-answer page to the members; `_` only when nobody could be paged.',
  schema: moduleData(
    {
      endpoints: { type: 'array', minItems: 1, items: endpointMember },
      audio: { type: 'string', enum: ['one-way', 'two-way'], default: 'one-way' },
      timeout: { type: 'integer', minimum: 0, default: 5, description: 'Seconds members have to auto-answer.' },
      barge_calls: { type: 'boolean', default: false, description: 'Page phones that are on a call too (lib/paging/barge.ts).' },
    },
    ['endpoints'],
  ),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const members = (Array.isArray(data.endpoints) ? data.endpoints : []).map(toMember).filter((m): m is Member => !!m);
    const dir = new Directory(ctx.data, ctx.accountId);
    const caller = await callerSide(ctx, dir);
    // Kazoo pages devices, users' devices and groups' members once each; delay/timeout/weight do not apply.
    const targets = await resolveMembers(members, { strategy: 'simultaneous', callerDeviceId: caller.deviceId }, dir);
    const timeoutSec = Number(data.timeout) > 0 ? Number(data.timeout) : 5;
    const seen = new Set<string>();
    const { legs, skipped } = await legsForDevices(
      dir,
      { ...caller, autoAnswer: true },
      targets
        .filter((t) => !seen.has(t.deviceId) && seen.add(t.deviceId))
        .map((t) => ({ deviceId: t.deviceId, props: { source: 'ring_group' as const, timeoutSec, delaySec: 0, canCallSelf: false, suppressClid: false } })),
    );
    // A page reaches the phones themselves: call forwards (to numbers that cannot auto-answer) are left out.
    const built = legs.filter((l) => !l.id.includes(':')).map(({ failover: _f, ...leg }) => leg);
    // barge_calls off: phones already on a call are left alone (Kazoo: sip_auto_answer_suppress_notify).
    const barge = data.barge_calls === true;
    const devices = barge || !built.length ? new Map<string, Record<string, unknown>>() : await dir.devices(built.map((l) => l.id));
    const users = [...devices.values()].map(sipUserOf).filter((u): u is string => !!u);
    const busy = new Set(users.length ? await ctx.call.endpointsInUse(users) : []);
    const pick = leaveBusyAlone(built, devices, busy, barge);
    const pageLegs = pick.legs;
    skipped.push(...pick.skipped);
    if (!pageLegs.length) return nothingToRing(skipped, 'no endpoints to page');
    const result = await ctx.call.page(pageLegs, { timeoutSec, twoWay: data.audio === 'two-way' });
    if (result.status === 'failed') return next(`nobody answered the page (${result.cause})`);
    ctx.attributes.call_bridged = true;
    return stop(`paged ${result.answered.length} of ${pageLegs.length}: ${result.answered.join(', ')}`);
  },
};

export default definition;
