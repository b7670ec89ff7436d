// Rings a device (its registration plus any call-forward / failover legs); stop once answered and hung up.
// Kazoo: cf_device, module name `device`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { propsFromData } from '../lib/legs/build.ts';
import { text } from '../lib/legs/documents.ts';
import { callerSide, Directory } from '../lib/legs/load.ts';
import { legsForDevices, nothingToRing, outcomeOf, ringLegs } from '../lib/ringing/ring.ts';
import { DEFAULT_TIMEOUT_S } from '../lib/ringing/ring-group.ts';
import { BRIDGE_FAILURE_KEYS, customSipHeaders, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'device',
  summary: 'Ring a device; stop when answered, failure-cause child or `_` otherwise.',
  schema: moduleData({
    id: { ...docId, description: 'Device id.' },
    timeout: { type: 'integer', minimum: 0, default: DEFAULT_TIMEOUT_S, description: 'Seconds; 0 means the system default (20).' },
    delay: { type: 'integer', minimum: 0, default: 0 },
    dial_strategy: { type: 'string', enum: ['simultaneous', 'single'], default: 'simultaneous' },
    can_call_self: { type: 'boolean', default: false },
    can_text_self: { type: 'boolean' },
    static_invite: { type: 'string' },
    suppress_clid: { type: 'boolean', default: false },
    custom_sip_headers: customSipHeaders,
    fail_on_single_reject: { type: 'boolean' },
  }),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: true,
  async run(ctx, data) {
    const id = text(data.id);
    if (!id) return next('no device id');
    const dir = new Directory(ctx.data, ctx.accountId);
    const props = propsFromData(data, 'device', DEFAULT_TIMEOUT_S);
    const { timeoutSec } = props;
    const { legs, skipped } = await legsForDevices(dir, await callerSide(ctx, dir), [{ deviceId: id, props }]);
    if (!legs.length) return nothingToRing(skipped, 'device not rung');
    const result = await ringLegs(ctx, legs, {
      strategy: data.dial_strategy === 'single' ? 'single' : 'simultaneous',
      timeoutSec,
      failOnSingleReject: data.fail_on_single_reject === true,
    });
    return outcomeOf(ctx, result);
  },
};

export default definition;
