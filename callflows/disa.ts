// PIN-protected dial tone: the caller dials a number that is then routed as a new call.
// Kazoo: cf_disa, module name `disa`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'disa',
  summary: 'Check a PIN, collect a destination and branch into its callflow; `_` after failed retries.',
  schema: moduleData({
    pin: { type: 'string', default: '', description: 'Empty: no PIN asked.' },
    retries: { type: 'integer', minimum: 0, default: 3 },
    interdigit: { type: 'integer', minimum: 1, default: 2000, description: 'ms between digits.' },
    max_digits: { type: 'integer', minimum: 1, default: 15 },
    preconnect_audio: { type: 'string', enum: ['dialtone', 'ringing'], default: 'dialtone' },
    ring_repeat_count: { type: 'integer', minimum: 1, default: 1 },
    use_account_caller_id: { type: 'boolean', default: true },
    enforce_call_restriction: { type: 'boolean', default: false },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
