// Sets custom application variables (CAVs) that follow the call into events, CDRs and pivot.
// Kazoo: cf_set_variables, module name `set_variables`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { cavChannelVariable, cavValue, exportVariable, inherited } from '../lib/branching/variables.ts';
import { moduleData } from './schema-parts.ts';

/** CAV names the call record (a MongoDB document) can hold as keys. */
const storableName = (name: string) => name !== '' && !name.includes('.') && !name.startsWith('$');

const definition: ModuleDefinition = {
  name: 'set_variables',
  summary: 'Set CAVs on the call (export: also on later legs), then continue.',
  schema: moduleData(
    {
      custom_application_vars: { type: 'object', description: 'Name → value; values should be strings.' },
      export: { type: 'boolean', default: false },
    },
    ['custom_application_vars'],
  ),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const vars = data.custom_application_vars;
    if (!vars || typeof vars !== 'object' || Array.isArray(vars)) return next('no custom_application_vars');
    const exported = data.export === true;
    const set: [string, string][] = [];
    const refused: string[] = [];
    for (const [name, raw] of Object.entries(vars as Record<string, unknown>)) {
      const value = cavValue(raw);
      // Kazoo keeps string values only; numbers and booleans are printed, objects and null dropped.
      if (value === undefined || !storableName(name)) refused.push(name);
      else set.push([name, value]);
    }
    for (const [name, value] of set) ctx.cav[name] = value;
    // Only exported CAVs go onto the channel (`__cav_<name>`, which Asterisk copies onto channels created
    // from this one, and the list lets leg-building modules pass them on). The others live on the call
    // context and its record, where pivot, webhooks and later modules read them: one ARI round trip fewer
    // per variable on the hot path.
    if (exported) {
      await Promise.all(
        set.map(([name, value]) => {
          const variable = cavChannelVariable(name);
          exportVariable(ctx, variable, value);
          return ctx.call.setVariable(inherited(variable), value);
        }),
      );
    }
    const what = `${set.length} CAV(s)${exported ? ' exported' : ''}`;
    return next(refused.length ? `${what}; ignored ${refused.join(', ')}` : what);
  },
};

export default definition;
