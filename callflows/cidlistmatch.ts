// Branches on whether the caller-ID number is found in a match list (prefix or regex entries).
// Kazoo: cf_cidlistmatch, module name `cidlistmatch`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'cidlistmatch',
  summary: 'Take `match` if the caller ID is in the list, `nomatch` otherwise (else `_`).',
  schema: moduleData({ id: { ...docId, description: 'Match list id.' } }),
  children: ['match', 'nomatch', '_'],
  implemented: false,
};

export default definition;
