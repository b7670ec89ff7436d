// Routes on the call's tags and attributes: CAVs, tracking source / campaign / medium / keyword,
// caller area code, ZIP. Rules in order; the first whose conditions all match gives the child key.
// Not a Kazoo module: CallScaler's tag-based routing.
import { child, next, type ModuleDefinition } from '../lib/engine/module.ts';
import { allMatch, criterionSchema, type Criterion } from '../lib/tracking/criteria.ts';
import { callFacts } from '../lib/tracking/facts.ts';
import { moduleData } from './schema-parts.ts';

interface Rule {
  key: string;
  /** Every one of these tags must be on the call. */
  tags?: string[];
  /** At least one of these tags must be on the call. */
  any_tags?: string[];
  criteria?: Criterion[];
}

const tagList = { type: 'array', items: { type: 'string', minLength: 1 } };

/** A rule's conditions as criteria: `tags` each a tag criterion, `any_tags` one with several values. */
function conditions(rule: Rule): Criterion[] {
  const out: Criterion[] = (rule.tags ?? []).map((t) => ({ type: 'tag', value: t }));
  if (rule.any_tags?.length) out.push({ type: 'tag', values: rule.any_tags });
  return [...out, ...(rule.criteria ?? [])];
}

const definition: ModuleDefinition = {
  name: 'tag_route',
  summary: 'Take the child of the first rule whose tags and call attributes (CAVs, source, campaign, area code, ZIP) all match; else `_`.',
  schema: moduleData({
    rules: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['key'],
        properties: {
          key: { type: 'string', minLength: 1, description: 'Child key taken when the rule matches.' },
          tags: { ...tagList, description: 'All of these tags.' },
          any_tags: { ...tagList, description: 'At least one of these tags.' },
          criteria: { type: 'array', items: criterionSchema() },
        },
      },
    },
  }),
  children: ['*', '_'],
  implemented: true,
  async run(ctx, data) {
    const rules = ((data.rules as Rule[]) ?? []).map((r) => ({ key: r.key, all: conditions(r) }));
    const facts = await callFacts(ctx, rules.flatMap((r) => r.all));
    for (const r of rules) if (allMatch(r.all, facts)) return child(r.key, `rule ${r.key} matched`);
    return next('no rule matched');
  },
};

export default definition;
