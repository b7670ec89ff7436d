// Sets the Alert-Info header (distinctive ring) of legs created afterwards.
// Kazoo: cf_set_alert_info, module name `set_alert_info`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'set_alert_info',
  summary: 'Set Alert-Info for later legs, then continue.',
  schema: moduleData({ alert_info: { type: 'string', minLength: 1 } }, ['alert_info']),
  children: ['_'],
  implemented: false,
};

export default definition;
