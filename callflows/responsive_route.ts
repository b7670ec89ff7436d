// Routes by who is calling and where they came from: ordered branches, each with criteria that must
// all match (first-time / repeat caller, source, keyword, pages, landing parameters, campaign,
// referrer…); the first matching branch's child is taken, any other call goes to `_`.
// Not a Kazoo module: CallRail's Responsive Routing.
import { child, next, type ModuleDefinition } from '../lib/engine/module.ts';
import { allMatch, criterionSchema, type Criterion } from '../lib/tracking/criteria.ts';
import { callFacts } from '../lib/tracking/facts.ts';
import { moduleData } from './schema-parts.ts';

interface Branch {
  /** Child key (default: the branch's position, "1", "2"…). */
  key?: string;
  name?: string;
  criteria?: Criterion[];
}

const definition: ModuleDefinition = {
  name: 'responsive_route',
  summary: 'Take the child of the first branch whose criteria (caller history, source, keyword, pages, campaign, referrer) all match; else `_`.',
  schema: moduleData({
    branches: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        properties: {
          key: { type: 'string', minLength: 1, description: 'Child key taken (default: the branch position, "1", "2"…).' },
          name: { type: 'string' },
          criteria: { type: 'array', items: criterionSchema(), description: 'All must match; an empty list matches every call.' },
        },
      },
    },
  }),
  children: ['*', '_'],
  implemented: true,
  async run(ctx, data) {
    const branches = (data.branches as Branch[]) ?? [];
    const facts = await callFacts(ctx, branches.flatMap((b) => b.criteria ?? []));
    for (const [i, b] of branches.entries()) {
      if (allMatch(b.criteria, facts)) {
        const key = b.key ?? String(i + 1);
        return child(key, `branch ${b.name ?? key} matched`);
      }
    }
    return next('no branch matched');
  },
};

export default definition;
