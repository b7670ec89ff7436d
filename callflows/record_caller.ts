// Records what the caller says (message style) and uploads it to a URL.
// Kazoo: cf_record_caller, module name `record_caller`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'record_caller',
  summary: 'Answer, record the caller until a key or the time limit, upload, then continue.',
  schema: moduleData({
    url: { type: 'string' },
    format: { type: 'string', enum: ['mp3', 'wav'] },
    method: { type: 'string', enum: ['put', 'post'], default: 'put' },
    time_limit: { type: 'integer', minimum: 5, maximum: 10800, default: 3600 },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
