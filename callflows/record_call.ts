// Starts or stops recording both directions of this call leg.
// Kazoo: cf_record_call, module name `record_call`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'record_call',
  summary: 'Start (or stop) call recording, optionally uploading to url, then continue at once.',
  schema: moduleData({
    action: { type: 'string', enum: ['start', 'stop'], default: 'start' },
    format: { type: 'string', enum: ['mp3', 'wav'] },
    url: { type: 'string' },
    method: { type: 'string', enum: ['put', 'post'], default: 'put' },
    time_limit: { type: 'integer', minimum: 5, maximum: 10800, default: 3600 },
    record_on_answer: { type: 'boolean', default: false },
    record_on_bridge: { type: 'boolean', default: false },
    record_min_sec: { type: 'integer', minimum: 0 },
    record_sample_rate: { type: 'integer', minimum: 1 },
    media_name: { type: 'string' },
    label: { type: 'string', description: 'Defaults to the callflow name.' },
    origin: { type: 'string' },
    should_follow_transfer: { type: 'boolean', default: true },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
