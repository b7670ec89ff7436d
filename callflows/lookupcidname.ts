// Looks the caller's number up in match lists and sets the caller-ID name from the entry.
// Kazoo: cf_lookupcidname, module name `lookupcidname`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'lookupcidname',
  summary: 'Set the caller-ID name from the best match-list entry, then continue.',
  schema: moduleData({ lists: { type: 'array', items: docId } }, ['lists']),
  children: ['_'],
  implemented: false,
};

export default definition;
