// Branches on the caller-ID number (regex or exact) and may rewrite the caller ID / owner.
// Kazoo: cf_check_cid, module name `check_cid`.
import { child, next, type CallContext, type ModuleDefinition, type Outcome } from '../lib/engine/module.ts';
import { callerIdOf, callerIdState, commitCallerId } from '../lib/callerid/state.ts';
import { compilePattern } from '../lib/validation/patterns.ts';
import { docId, moduleData, regex } from './schema-parts.ts';

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Kazoo's attempt(K): take K only when the node has it, else continue with `_` (and change nothing). */
const attempt = (ctx: CallContext, key: string) => ctx.childKeys === undefined || ctx.childKeys.includes(key);

/**
 * When a branch is taken and name, number and user_id are all set, the caller becomes that identity:
 * its caller ID is replaced and the call's owner is the user (an external caller treated as a user).
 */
async function adoptIdentity(ctx: CallContext, data: Record<string, unknown>): Promise<string> {
  const external = (data.caller_id as { external?: { name?: unknown; number?: unknown } } | undefined)?.external;
  const name = nonEmpty(external?.name);
  const number = nonEmpty(external?.number);
  const userId = nonEmpty(data.user_id);
  if (name === undefined || number === undefined || userId === undefined) return '';
  await commitCallerId(ctx, { ...callerIdState(ctx), base: { name, number } });
  ctx.attributes.owner_id = userId;
  return `; caller is now "${name}" <${number}>, owner ${userId}`;
}

const definition: ModuleDefinition = {
  name: 'check_cid',
  summary: 'Regex mode: `match`/`nomatch`; absolute mode: the child named by the caller-ID number.',
  schema: moduleData({
    regex: { ...regex, default: '.*' },
    use_absolute_mode: { type: 'boolean', default: false },
    caller_id: {
      type: 'object',
      properties: {
        external: {
          type: 'object',
          properties: { name: { type: 'string' }, number: { type: 'string' } },
        },
      },
    },
    user_id: { ...docId, description: 'Owner to assign when a branch is taken (with name and number).' },
  }),
  children: ['match', 'nomatch', '*', '_'],
  implemented: true,
  async run(ctx, data): Promise<Outcome> {
    const number = callerIdOf(ctx).number;
    const source = typeof data.regex === 'string' && data.regex !== '' ? data.regex : '.*';
    let re: RegExp;
    try {
      re = compilePattern(source);
    } catch (err) {
      // Kazoo's re:run crashes the module on a bad regex, and a crashed module continues to `_`.
      return next(`invalid regex: ${(err as Error).message}`);
    }
    // Erlang re:run is unanchored: `^`/`$` are the flow author's to write.
    if (!re.test(number)) return child('nomatch', `${number || '(no caller id)'} does not match ${source}`);

    const key = data.use_absolute_mode === true ? number : 'match';
    if (!key || !attempt(ctx, key)) return next(`${number} matches, no ${key ? `"${key}"` : 'caller-id'} child`);
    return child(key, `${number} matches ${source}${await adoptIdentity(ctx, data)}`);
  },
};

export default definition;
