// Hot-desking: log a user into or out of the calling device, or ring the devices they sit at.
// Kazoo: cf_hotdesk, module name `hotdesk`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { answer, callingParty, prompt, SAFE_KEY } from '../lib/features/caller.ts';
import { addToDevice, askUser, checkPin, profileOf, removeFromDevices, type Profile } from '../lib/features/hotdesk.ts';
import { interdigitMs } from '../lib/features/settings.ts';
import { ownersOf, text, type Doc } from '../lib/legs/documents.ts';
import { callerSide, Directory } from '../lib/legs/load.ts';
import { failureChild, failureReason, legsForDevices, nothingToRing, ringLegs } from '../lib/ringing/ring.ts';
import { DEFAULT_TIMEOUT_S } from '../lib/ringing/ring-group.ts';
import { BRIDGE_FAILURE_KEYS, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'hotdesk',
  summary: 'login/logout/toggle the user on the calling device, or bridge to their hot-desked devices.',
  schema: moduleData({
    action: { type: 'string', enum: ['login', 'logout', 'toggle', 'bridge'] },
    id: { ...docId, description: 'User id; asked for (hot-desk id) when absent.' },
    interdigit_timeout: { type: 'integer', minimum: 1, description: 'Between digits: ms (Kazoo\'s code), values up to 60 are taken as seconds.' },
  }),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: true,
  async run(ctx, data) {
    const action = text(data.action);
    const party = await callingParty(ctx);
    // logout without an id: the calling device's user (when it has exactly one).
    let userId = text(data.id);
    if (!userId && action === 'logout' && party.device) {
      const owners = ownersOf(party.device);
      if (owners.length === 1) userId = owners[0];
    }
    let user: Doc | undefined;
    if (userId) {
      user = await ctx.data.get<Doc>('users', userId);
      if (!user || user.pvt_deleted === true) {
        await answer(ctx);
        await prompt(ctx, ['hotdesk-abort']);
        return next(`user ${userId} not found`);
      }
    } else {
      await answer(ctx);
      user = await askUser(ctx, interdigitMs(data.interdigit_timeout));
      if (!user) return next('no hot-desk user identified');
    }
    if (!SAFE_KEY.test(String(user._id))) return next('user id unusable as a hot-desk key');
    // The user document's interdigit_timeout wins over the module's (Kazoo's kz_json:find order).
    const interdigit = interdigitMs(user.interdigit_timeout ?? data.interdigit_timeout);
    const profile = await profileOf(ctx, user);
    switch (action) {
      case 'bridge':
        return bridge(ctx, profile);
      case 'login':
        return login(ctx, profile, party.device, interdigit);
      case 'logout':
        return logout(ctx, profile, party.device);
      case 'toggle':
        return profile.deviceIds.length ? logout(ctx, profile, party.device) : login(ctx, profile, party.device, interdigit);
      default:
        return next(`unknown action ${String(data.action)}`);
    }
  },
};

type Ctx = Parameters<NonNullable<ModuleDefinition['run']>>[0];

/** Rings the devices the user is hot-desked on (simultaneous, 20 s); continues whatever happens (Kazoo). */
async function bridge(ctx: Ctx, profile: Profile) {
  if (!profile.enabled) return next('hot-desking disabled for this user');
  const dir = new Directory(ctx.data, ctx.accountId);
  const props = { source: 'device' as const, timeoutSec: DEFAULT_TIMEOUT_S, delaySec: 0, canCallSelf: false, suppressClid: false };
  const { legs, skipped } = await legsForDevices(dir, await callerSide(ctx, dir), profile.deviceIds.map((deviceId) => ({ deviceId, props })));
  if (!legs.length) return nothingToRing(skipped, profile.deviceIds.length ? 'no endpoints' : 'not hot-desked anywhere');
  const result = await ringLegs(ctx, legs, { strategy: 'simultaneous', timeoutSec: DEFAULT_TIMEOUT_S });
  if (result.status === 'answered') return next(`answered by ${result.leg}`);
  const key = failureChild(result, ctx.childKeys);
  return { kind: 'child' as const, key: key ?? '_', reason: failureReason(result, skipped) };
}

async function login(ctx: Ctx, profile: Profile, device: Doc | undefined, interdigit: number) {
  await answer(ctx);
  if (profile.requirePin && !(await checkPin(ctx, profile, interdigit))) return next('wrong hot-desk PIN');
  // Unless the user stays logged in elsewhere, they leave every other device first.
  if (!profile.keepLoggedInElsewhere) await removeFromDevices(ctx, profile.deviceIds, profile.userId);
  if (!device || !(await addToDevice(ctx, String(device._id), profile.userId))) {
    await prompt(ctx, ['hotdesk-abort', 'vm-goodbye']);
    return next('no calling device to log into');
  }
  await prompt(ctx, ['hotdesk-logged_in', 'vm-goodbye']);
  return next(`user ${profile.userId} logged in on ${device._id}`);
}

async function logout(ctx: Ctx, profile: Profile, device: Doc | undefined) {
  await answer(ctx);
  // keep_logged_in_elsewhere: only this device; else every device the user sits at.
  const from = profile.keepLoggedInElsewhere ? (device ? [String(device._id)] : []) : profile.deviceIds;
  await removeFromDevices(ctx, from, profile.userId);
  await prompt(ctx, ['hotdesk-logged_out', 'vm-goodbye']);
  return next(`user ${profile.userId} logged out of ${from.length} device(s)`);
}

export default definition;
