// Round-trips a no-op command to the media server, then continues.
// Kazoo: cf_noop (master only), module name `noop`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'noop',
  summary: 'Do nothing (media-server round trip), then continue.',
  schema: moduleData(),
  children: ['_'],
  implemented: true,
  async run() {
    return next();
  },
};

export default definition;
