// Runs another callflow document as a sub-routine, then returns to this node's `_` child.
// Kazoo: cf_callflow, module name `callflow`.
import { next, type CallflowNode, type ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'callflow',
  summary: 'Branch into the flow of another callflow document; `_` runs when it returns.',
  schema: moduleData({ id: { ...docId, description: 'Callflow id.' } }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const id = typeof data.id === 'string' ? data.id : '';
    const doc = id ? await ctx.data.get<{ flow?: CallflowNode }>('callflows', id) : undefined;
    if (!doc?.flow) return next(`callflow ${id || '(none)'} not found`);
    return { kind: 'branch', flow: doc.flow, reason: `callflow ${id}` };
  },
};

export default definition;
