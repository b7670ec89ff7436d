// Collects caller digits into a named collection (read later by pivot or function).
// Kazoo: cf_collect_dtmf, module name `collect_dtmf`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { DTMF_KEYS, moduleData } from './schema-parts.ts';

/** The collection that holds what the caller typed before (Kazoo keeps early digits there). */
const DEFAULT_COLLECTION = 'default';
/** Collections whose digits stay out of the call trace. */
const secretName = /pin|pass|secret|code|card|cvv|ssn/i;

/** Kazoo: the first defined of `terminator` (one key) and `terminators` (a list), else `#`. */
export function terminatorsOf(data: Record<string, unknown>): string[] {
  if (typeof data.terminator === 'string' && data.terminator !== '') return [data.terminator];
  if (Array.isArray(data.terminators)) return [...new Set(data.terminators.filter((t): t is string => typeof t === 'string' && t !== ''))];
  return ['#'];
}

/** Early digits are cut at the first terminator (cf_collect_dtmf:truncate_after_terminator). */
export function cutAtTerminator(digits: string, terminators: readonly string[]): string {
  const at = [...digits].findIndex((d) => terminators.includes(d));
  return at < 0 ? digits : digits.slice(0, at);
}

const definition: ModuleDefinition = {
  name: 'collect_dtmf',
  summary: 'Answer, collect up to max_digits into a named collection, then continue.',
  schema: moduleData({
    max_digits: { type: 'integer', minimum: 1, default: 1 },
    timeout: { type: 'integer', minimum: 1, default: 5000, description: 'ms to wait for the first digit.' },
    interdigit_timeout: { type: 'integer', minimum: 1, default: 2000, description: 'ms between digits.' },
    // No default here: `terminator` wins over `terminators` when present, and both absent means `#`.
    terminator: { type: 'string', enum: DTMF_KEYS, description: 'One key that ends collection (default #).' },
    terminators: { type: 'array', items: { type: 'string', enum: DTMF_KEYS } },
    collection_name: { type: 'string', minLength: 1, default: DEFAULT_COLLECTION },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    await ctx.call.answer();
    const max = Number(data.max_digits) > 0 ? Number(data.max_digits) : 1;
    const name = typeof data.collection_name === 'string' && data.collection_name !== '' ? data.collection_name : DEFAULT_COLLECTION;
    const terminators = terminatorsOf(data);

    // Kazoo's "already collected" is the `default` collection: what an earlier collect_dtmf stored there.
    // Keys pressed since then and not consumed (during a play, a tts…) wait in the call's digit buffer,
    // which the collection below reads first: together they are Kazoo's early digits.
    const prior = cutAtTerminator(ctx.collected[DEFAULT_COLLECTION] ?? '', terminators);
    delete ctx.collected[DEFAULT_COLLECTION];
    let digits = prior.slice(0, max);
    let how = 'from earlier input';
    if (prior.length < max) {
      const r = await ctx.call.collectDigits({
        maxDigits: max - prior.length,
        timeoutMs: Number(data.timeout) > 0 ? Number(data.timeout) : 5000,
        interdigitMs: Number(data.interdigit_timeout) > 0 ? Number(data.interdigit_timeout) : 2000,
        terminators,
      });
      digits = prior + r.digits;
      how = r.reason === 'max_digits' ? 'max_digits reached' : r.reason === 'terminator' ? 'terminator' : 'timeout';
    }
    // Kazoo empties the early-digit collection whatever was used of it: leftovers do not reach the next node.
    ctx.call.flushDigits();
    ctx.collected[name] = digits;
    const shown = secretName.test(name) ? `${digits.length} digit(s)` : JSON.stringify(digits);
    return next(`collected ${shown} into ${name} (${how})`);
  },
};

export default definition;
