// Rings every device a user owns (or is hot-desked on); stop once answered and hung up.
// Kazoo: cf_user, module name `user`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { propsFromData } from '../lib/legs/build.ts';
import { text } from '../lib/legs/documents.ts';
import { callerSide, Directory } from '../lib/legs/load.ts';
import { legsForDevices, nothingToRing, outcomeOf, ringLegs } from '../lib/ringing/ring.ts';
import { DEFAULT_TIMEOUT_S } from '../lib/ringing/ring-group.ts';
import { BRIDGE_FAILURE_KEYS, customSipHeaders, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'user',
  summary: 'Ring the user\'s devices; stop when answered, failure-cause child or `_`.',
  schema: moduleData({
    id: { ...docId, description: 'User id.' },
    timeout: { type: 'integer', minimum: 0, default: DEFAULT_TIMEOUT_S },
    delay: { type: 'integer', minimum: 0, default: 0 },
    strategy: { type: 'string', enum: ['simultaneous', 'single'], default: 'simultaneous' },
    can_call_self: { type: 'boolean', default: false },
    can_text_self: { type: 'boolean' },
    fail_on_single_reject: { type: 'boolean' },
    static_invite: { type: 'string' },
    suppress_clid: { type: 'boolean', default: false },
    custom_sip_headers: customSipHeaders,
  }),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: true,
  async run(ctx, data) {
    const id = text(data.id);
    if (!id) return next('no user id');
    const dir = new Directory(ctx.data, ctx.accountId);
    // A missing or disabled user has no endpoints: Kazoo continues.
    if (!(await dir.user(id))) return next('user not found');
    const devices = await dir.ownedDevices(id);
    const props = propsFromData(data, 'user', DEFAULT_TIMEOUT_S);
    const { timeoutSec } = props;
    const { legs, skipped } = await legsForDevices(
      dir,
      await callerSide(ctx, dir),
      devices.map((d) => ({ deviceId: String(d._id), props })),
      devices,
    );
    if (!legs.length) return nothingToRing(skipped, devices.length ? 'no endpoints' : 'user has no devices');
    const result = await ringLegs(ctx, legs, {
      strategy: data.strategy === 'single' ? 'single' : 'simultaneous',
      timeoutSec,
      failOnSingleReject: data.fail_on_single_reject === true,
    });
    return outcomeOf(ctx, result, skipped);
  },
};

export default definition;
