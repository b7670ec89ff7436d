// Emits an event detail record carrying the call identifiers and this node's data.
// Kazoo: cf_edr, module name `edr`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { callerIdOf } from '../lib/callerid/state.ts';
import { moduleData } from './schema-parts.ts';

/** ctx.attributes key of the call's event records (an array, kept on the call record). */
export const EDR_KEY = 'edr';

const definition: ModuleDefinition = {
  name: 'edr',
  summary: 'Emit an event detail record (data is sent as custom data), then continue.',
  schema: moduleData(),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const { skip_module: _skip, ...custom } = data;
    const cid = callerIdOf(ctx);
    const a = ctx.attributes;
    const record: Record<string, unknown> = {
      at: new Date().toISOString(),
      account_id: ctx.accountId,
      callflow_id: ctx.callflowId ?? null,
      call_id: ctx.call.id,
      caller_id_name: cid.name,
      caller_id_number: cid.number,
      callee_id_number: ctx.call.dialed,
      owner_id: typeof a.owner_id === 'string' ? a.owner_id : null,
      authorizing_id: typeof a.device_id === 'string' ? a.device_id : null,
      authorizing_type: typeof a.device_id === 'string' ? 'device' : null,
      custom_data: custom,
    };
    const held = a[EDR_KEY];
    a[EDR_KEY] = Array.isArray(held) ? [...held, record] : [record];
    return next(`event record ${Array.isArray(a[EDR_KEY]) ? (a[EDR_KEY] as unknown[]).length : 1}`);
  },
};

export default definition;
