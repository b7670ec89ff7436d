// Routes the call out through carriers (the account's own, or the system's) to a PSTN number.
// Kazoo: cf_resources, module name `resources`.
import type { JsonSchema, ModuleDefinition } from '../lib/engine/module.ts';
import { runResources } from '../lib/carriers/module.ts';
import { BRIDGE_FAILURE_KEYS, customSipHeaders, docId, mediaRef, moduleData } from './schema-parts.ts';

/** Shared with `offnet`, which is the same module with global carriers by default. */
export function resourcesData(useLocalResources: boolean): Record<string, JsonSchema> {
  return {
    use_local_resources: { type: 'boolean', default: useLocalResources },
    hunt_account_id: { ...docId, description: 'Use this account\'s carriers instead (resellers).' },
    to_did: { type: 'string', description: 'Static destination instead of the dialled number.' },
    do_not_normalize: { type: 'boolean', default: false },
    bypass_e164: { type: 'boolean', default: false },
    caller_id_type: { type: 'string', default: 'external' },
    timeout: { type: 'integer', minimum: 0, description: 'Ring timeout in seconds.' },
    ringback: mediaRef,
    ignore_early_media: { type: 'boolean', default: false },
    outbound_flags: { type: 'array', items: { type: 'string' }, default: [] },
    dynamic_flags: { type: 'array', items: { type: 'string' } },
    custom_sip_headers: customSipHeaders,
    emit_account_id: { type: 'boolean' },
    format_from_uri: { type: 'boolean' },
    from_uri_realm: { type: 'string' },
    resource_type: { type: 'string', default: 'audio' },
  };
}

const definition: ModuleDefinition = {
  name: 'resources',
  summary: 'Dial out via carriers; stop when answered; failure-cause child, else hang up with the cause.',
  schema: moduleData(resourcesData(true)),
  // `_` is deliberately absent: Kazoo never follows it after a carrier failure.
  children: [...BRIDGE_FAILURE_KEYS],
  implemented: true,
  run: (ctx, data) => runResources(ctx, data, { global: false }),
};

export default definition;
