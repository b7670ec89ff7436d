// Time-of-day routing on temporal rules, or admin actions that force rules on/off.
// Kazoo: cf_temporal_route, module name `temporal_route`.
import { child, next, type CallContext, type ModuleDefinition, type Outcome } from '../lib/engine/module.ts';
import {
  adminConfirmationPrompt,
  adminTargets,
  enabledAfter,
  menuChoice,
  parseTemporalAction,
  referencedIds,
  resolveTimezone,
  ruleSetMembers,
  selectTemporalChild,
  TEMPORAL_ADMIN_PROMPTS,
  TEMPORAL_INTERDIGIT_TIMEOUT_MS,
  TEMPORAL_MENU_FIRST_DIGIT_TIMEOUT_MS,
  TEMPORAL_MENU_MAX_PLAYS,
  type TemporalChange,
  type TemporalRuleDoc,
  type TemporalRuleSetDoc,
} from '../lib/temporal/index.ts';
import { DTMF_KEYS, docId, moduleData } from './schema-parts.ts';

const RULES = 'temporal_rules';
const SETS = 'temporal_rules_sets';

/** Spoken when the system has no `temporal-menu` recording (Asterisk's core sounds have none). */
const MENU_TEXT = 'To enable the time of day rules, press 1. To disable them, press 2. To follow the schedule again, press 3.';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

async function byId<T extends { _id?: unknown }>(ctx: CallContext, collection: string, ids: string[]): Promise<Map<string, T>> {
  if (!ids.length) return new Map();
  const docs = await ctx.data.find<T>(collection, { _id: { $in: ids } }, ids.length);
  return new Map(docs.map((d) => [String(d._id), d]));
}

/** Routing mode: the child of the first active rule in Kazoo's candidate order, else `_`. */
async function route(ctx: CallContext, data: Record<string, unknown>): Promise<Outcome> {
  // Stored order of the children. Integer-like keys ("1", "22") come first whatever the document said,
  // because JSON.parse and BSON decoding reorder them: give such rules a 32-hex id or list them in data.rules.
  const childKeys = ctx.childKeys ?? [];
  const rules = strings(data.rules);
  const ruleSet = typeof data.rule_set === 'string' && data.rule_set !== '' ? data.rule_set : undefined;
  const ids = referencedIds(childKeys, { rules, ruleSet });
  const [ruleDocs, setDocs] = await Promise.all([byId<TemporalRuleDoc>(ctx, RULES, ids), byId<TemporalRuleSetDoc>(ctx, SETS, ids)]);
  const missing = [...new Set([...setDocs.values()].flatMap(ruleSetMembers))].filter((id) => !ruleDocs.has(id));
  for (const [id, doc] of await byId<TemporalRuleDoc>(ctx, RULES, missing)) ruleDocs.set(id, doc);

  const own = data.timezone;
  const inherits = typeof own !== 'string' || own === '' || own === 'inherit';
  const account = inherits ? await ctx.data.get<{ timezone?: unknown }>('accounts', ctx.accountId) : undefined;
  const zone = resolveTimezone(own, account?.timezone);

  const sel = selectTemporalChild(childKeys, { rules: ruleDocs, sets: setDocs }, new Date(), zone, { rules, ruleSet });
  return child(sel.key, `${sel.reason} [${sel.zone}${sel.localTime ? ` ${sel.localTime}` : ''}]`);
}

/** The admin menu prompt: Kazoo's `temporal-menu` if the system has it, else the same words by TTS. */
async function playMenuPrompt(ctx: CallContext): Promise<void> {
  const media = await ctx.media.resolve(TEMPORAL_ADMIN_PROMPTS.menu, ctx.language);
  const played = media.length ? await ctx.call.play(media, { terminators: DTMF_KEYS, language: ctx.language }) : { status: 'failed' as const };
  if (played.status !== 'failed') return;
  try {
    const uri = await ctx.media.speak(MENU_TEXT, { language: ctx.language });
    await ctx.call.play([uri], { terminators: DTMF_KEYS });
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, 'temporal_route menu prompt unavailable');
  }
}

/** enable / disable / reset: write `enabled` on every id of data.rules, then confirm once. */
async function change(ctx: CallContext, data: Record<string, unknown>, action: TemporalChange, via = ''): Promise<Outcome> {
  const value = enabledAfter(action);
  const lines: string[] = [];
  for (const id of adminTargets(data)) {
    try {
      if (await ctx.data.update(RULES, id, { enabled: value })) {
        lines.push(`rule ${id} enabled=${value ?? 'unset'} saved`);
      } else if (await ctx.data.update(SETS, id, { enabled: value })) {
        // Kazoo writes whatever document the id names; routing never reads `enabled` on a set.
        ctx.logger.warn({ id }, 'temporal_route admin action on a rule set: no effect on routing');
        lines.push(`set ${id} enabled=${value ?? 'unset'} saved (no effect: sets have no enabled)`);
      } else {
        lines.push(`rule ${id} not found`);
      }
    } catch (err) {
      ctx.logger.warn({ id, err: (err as Error).message }, 'temporal_route admin save failed');
      lines.push(`rule ${id} not saved (${(err as Error).message})`);
    }
  }
  // Played even when nothing was saved, as Kazoo does.
  const confirm = await ctx.media.resolve(adminConfirmationPrompt(action), ctx.language);
  if (confirm.length) await ctx.call.play(confirm, { language: ctx.language });
  const what = lines.length ? lines.join('; ') : 'no rules in data.rules';
  return next(`${via}${action}: ${what}`);
}

async function admin(ctx: CallContext, data: Record<string, unknown>, action: ReturnType<typeof parseTemporalAction>): Promise<Outcome> {
  // Kazoo plays without answering; an unanswered ARI channel would hear nothing (early media at best).
  await ctx.call.answer();
  if (action !== 'menu') return change(ctx, data, action as TemporalChange);
  const interdigit = typeof data.interdigit_timeout === 'number' && data.interdigit_timeout > 0 ? data.interdigit_timeout : TEMPORAL_INTERDIGIT_TIMEOUT_MS;
  const pressed: string[] = [];
  for (let play = 1; play <= TEMPORAL_MENU_MAX_PLAYS; play++) {
    await playMenuPrompt(ctx);
    const r = await ctx.call.collectDigits({
      maxDigits: 1,
      timeoutMs: TEMPORAL_MENU_FIRST_DIGIT_TIMEOUT_MS,
      interdigitMs: interdigit,
      terminators: ['#'],
    });
    const choice = menuChoice(r.digits);
    if (choice !== 'replay' && choice !== 'exit') return change(ctx, data, choice, `menu: pressed ${r.digits} → `);
    pressed.push(r.digits || 'no input');
  }
  return next(`menu: ${pressed.join(', ')}; nothing changed after ${TEMPORAL_MENU_MAX_PLAYS} plays`);
}

const definition: ModuleDefinition = {
  name: 'temporal_route',
  summary: 'Take the child of the first active rule (rule id, rule-set id or `rule_set`), else `_`.',
  schema: moduleData({
    timezone: { type: 'string', description: 'IANA zone; absent or "inherit" means the account\'s.' },
    rules: { type: 'array', items: docId, default: [], description: 'Rule or rule-set ids, in evaluation order.' },
    rule_set: { ...docId, description: 'Rule-set id; its match takes the `rule_set` child.' },
    action: { type: 'string', enum: ['menu', 'enable', 'disable', 'reset'], description: 'Absent: route.' },
    interdigit_timeout: { type: 'integer', minimum: 1 },
  }),
  children: ['*', 'rule_set', '_'],
  implemented: true,
  async run(ctx, data) {
    const action = parseTemporalAction(data.action);
    return action ? admin(ctx, data, action) : route(ctx, data);
  },
};

export default definition;
