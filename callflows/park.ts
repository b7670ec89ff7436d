// Parks the call in a slot, retrieves a parked call, or does either (auto / valet).
// Kazoo: cf_park, module name `park`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const presenceType = { type: 'string', enum: ['early', 'confirmed', 'terminated'] };

const definition: ModuleDefinition = {
  name: 'park',
  summary: 'Park/retrieve; a slot-number child runs when ringing back the parker fails.',
  schema: moduleData({
    action: { type: 'string', enum: ['park', 'retrieve', 'auto', 'direct_park'], default: 'park' },
    slot: { type: 'string', description: 'Slot number; default: capture group, else first free ≥ 101.' },
    slots: {
      type: 'object',
      default: {},
      additionalProperties: {
        type: 'object',
        properties: {
          ringback_timeout: { type: 'integer', minimum: 0 },
          callback_timeout: { type: 'integer', minimum: 0 },
          presence_id: { type: 'string' },
          presence_type: presenceType,
        },
      },
    },
    default_ringback_timeout: { type: 'integer', minimum: 0, default: 120000, description: 'ms' },
    default_callback_timeout: { type: 'integer', minimum: 0, default: 30000, description: 'ms' },
    default_presence_type: { ...presenceType, default: 'early' },
    presence_id: { type: 'string' },
    custom_presence_id: { type: 'boolean', default: false },
    max_slot_number: { type: 'integer', minimum: 1 },
  }),
  children: ['*', 'MAX_SLOT_EXCEEDED'],
  implemented: false,
};

export default definition;
