// Branches on whether the caller-ID number is found in a match list (prefix or regex entries).
// Kazoo: cf_cidlistmatch, module name `cidlistmatch`.
import { child, type ModuleDefinition } from '../lib/engine/module.ts';
import { callerIdOf } from '../lib/callerid/state.ts';
import { listMatches, loadList } from '../lib/callerid/match-lists.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'cidlistmatch',
  summary: 'Take `match` if the caller ID is in the list, `nomatch` otherwise (else `_`).',
  schema: moduleData({ id: { ...docId, description: 'Match list id (collection `lists`).' } }),
  children: ['match', 'nomatch', '_'],
  implemented: true,
  async run(ctx, data) {
    const number = callerIdOf(ctx).number;
    const list = await loadList(ctx.data, data.id);
    // A missing list matches nothing, as Kazoo's empty view results do.
    if (!list) return child('nomatch', `list ${typeof data.id === 'string' ? data.id : '(none)'} not found`);
    return listMatches(list, number)
      ? child('match', `${number} in list ${list._id}`)
      : child('nomatch', `${number || '(no caller id)'} not in list ${list._id}`);
  },
};

export default definition;
