// Rings the users/devices whose configured caller-ID number equals the dialled number.
// Kazoo: cf_route_to_cid, module name `route_to_cid`.
import { next, type CallContext, type ModuleDefinition } from '../lib/engine/module.ts';
import { DESTINATION_KEY } from '../lib/branching/hunt.ts';
import { isUsable, text, type Doc } from '../lib/legs/documents.ts';
import { propsFromData } from '../lib/legs/build.ts';
import { callerSide, Directory } from '../lib/legs/load.ts';
import { legsForDevices, nothingToRing, outcomeOf, ringLegs } from '../lib/ringing/ring.ts';
import { DEFAULT_TIMEOUT_S } from '../lib/ringing/ring-group.ts';
import { normalizeNumber } from '../lib/validation/numbers.ts';
import { BRIDGE_FAILURE_KEYS, moduleData } from './schema-parts.ts';

/** A caller-ID type usable in a dotted query path (`internal`, `external`, custom keys). */
const CID_TYPE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Kazoo's callee id number: the number the call is for (a rewrite by privacy/dynamic_cid/DISA wins).
 * Both its dialled and E.164 spellings are looked up, as caller IDs are stored either way.
 */
function calleeNumbers(ctx: CallContext): string[] {
  const dialled = text(ctx.attributes[DESTINATION_KEY]) ?? ctx.call.dialed;
  return [...new Set([dialled, normalizeNumber(dialled)])].filter(Boolean);
}

async function matching(ctx: CallContext, collection: 'users' | 'devices', types: string[], numbers: string[]): Promise<Doc[]> {
  const or = types.map((t) => ({ [`caller_id.${t}.number`]: { $in: numbers } }));
  if (!or.length) return [];
  const docs = await ctx.data.find<Doc>(collection, { $or: or }, 200);
  return docs.filter((d) => isUsable(d)).sort((a, b) => (String(a._id) < String(b._id) ? -1 : 1));
}

const definition: ModuleDefinition = {
  name: 'route_to_cid',
  summary: 'Reverse caller-ID lookup of the callee; ring the matches, else `_`.',
  schema: moduleData({
    cid_types: { type: 'array', minItems: 1, items: { type: 'string' }, default: ['internal'] },
    endpoint_types: {
      type: 'array',
      items: { type: 'string', enum: ['user', 'device'] },
      default: [],
      description: 'Empty: both.',
    },
    timeout: { type: 'integer', minimum: 0, default: 20 },
    delay: { type: 'integer', minimum: 0, default: 0 },
    can_call_self: { type: 'boolean', default: false },
    can_text_self: { type: 'boolean' },
    static_invite: { type: 'string' },
    suppress_clid: { type: 'boolean', default: false },
  }),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: true,
  async run(ctx, data) {
    const types = (Array.isArray(data.cid_types) ? data.cid_types.map(String) : ['internal']).filter((t) => CID_TYPE.test(t));
    const wanted = Array.isArray(data.endpoint_types) && data.endpoint_types.length ? data.endpoint_types.map(String) : ['user', 'device'];
    const numbers = calleeNumbers(ctx);
    const dir = new Directory(ctx.data, ctx.accountId);
    const devices: Doc[] = wanted.includes('device') ? await matching(ctx, 'devices', types, numbers) : [];
    if (wanted.includes('user')) {
      for (const user of await matching(ctx, 'users', types, numbers)) devices.push(...(await dir.ownedDevices(String(user._id))));
    }
    // A device found both directly and through its owner rings once.
    const unique = [...new Map(devices.map((d) => [String(d._id), d])).values()];
    if (!unique.length) return next(`no user or device has caller ID ${numbers[0]}`);
    // A direct call to the person (their direct_calls_only forwards apply), not a group call.
    const props = propsFromData(data, 'user', DEFAULT_TIMEOUT_S);
    const { timeoutSec } = props;
    const { legs, skipped } = await legsForDevices(dir, await callerSide(ctx, dir), unique.map((d) => ({ deviceId: String(d._id), props })), unique);
    if (!legs.length) return nothingToRing(skipped);
    // Kazoo rings the matches as a simultaneous ring group.
    const result = await ringLegs(ctx, legs, { strategy: 'simultaneous', timeoutSec });
    return outcomeOf(ctx, result, skipped);
  },
};

export default definition;
