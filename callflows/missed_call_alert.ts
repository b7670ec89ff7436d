// Sends a "missed call" notification if an outside call ends unanswered and without a message.
// Kazoo: cf_missed_call_alert, module name `missed_call_alert`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData, recipients } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'missed_call_alert',
  summary: 'Register an end-of-call missed-call e-mail to the recipients, then continue.',
  schema: moduleData({ recipients }, ['recipients']),
  children: ['_'],
  implemented: false,
};

export default definition;
