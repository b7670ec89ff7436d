// Adds (or removes) tags on the call; tag_route, stats' qualified rule and webhooks read them.
// Not a Kazoo module: call-tracking products' call tags, set by a step of the flow.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { addTags, removeTags } from '../lib/tracking/attribution.ts';
import { moduleData } from './schema-parts.ts';

const tagList = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 } };

const definition: ModuleDefinition = {
  name: 'tag',
  summary: 'Add tags to the call (attributes.tags) or remove them, then continue.',
  schema: moduleData({ tags: { ...tagList, default: [] }, remove: { ...tagList, default: [] } }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const add = (data.tags as string[]) ?? [];
    const remove = (data.remove as string[]) ?? [];
    if (remove.length) removeTags(ctx.attributes, remove);
    const now = addTags(ctx.attributes, add);
    return next(`tags: ${now.join(', ') || '(none)'}`);
  },
};

export default definition;
