// Looks the caller's number up in match lists and sets the caller-ID name from the entry.
// Kazoo: cf_lookupcidname, module name `lookupcidname`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { loadList, lookupName, type MatchList } from '../lib/callerid/match-lists.ts';
import { callerIdOf, callerIdState, commitCallerId } from '../lib/callerid/state.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'lookupcidname',
  summary: 'Set the caller-ID name from the best match-list entry, then continue.',
  schema: moduleData({ lists: { type: 'array', items: docId, description: 'Match list ids (collection `lists`), in lookup order.' } }, ['lists']),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const ids = Array.isArray(data.lists) ? data.lists.filter((id): id is string => typeof id === 'string' && id !== '') : [];
    const lists = (await Promise.all(ids.map((id) => loadList(ctx.data, id)))).filter((l): l is MatchList => l !== undefined);
    if (!lists.length) return next(ids.length ? `lists ${ids.join(', ')} not found` : 'no lists');
    const { number } = callerIdOf(ctx);
    const name = lookupName(lists, number);
    if (name === undefined) return next(`no name for ${number || '(no caller id)'}`);
    const state = callerIdState(ctx);
    await commitCallerId(ctx, { ...state, base: { ...state.base, name } });
    return next(`caller id name "${name}"`);
  },
};

export default definition;
