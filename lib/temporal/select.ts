// Which child a temporal_route node takes: the child of the first active rule, in Kazoo's candidate order.
// Kazoo: cf_temporal_route:get_temporal_route (maybe_load_rules, maybe_load_branch_keys, maybe_load_rulesets,
// maybe_expand_rulesets), get_temporal_rules and process_rules.
import { compareDates } from './civil-date.ts';
import { type Instant, localClock } from './local-clock.ts';
import { type TemporalRuleDoc, type TemporalRuleSetDoc, ruleSetMembers } from './rule-doc.ts';
import {
  type EvaluateOptions,
  type PreparedRule,
  type RuleEvaluation,
  describeRule,
  evaluatePrepared,
  prepareRule,
} from './rules.ts';

/** Documents by id: a Map or a plain object. */
export type DocLookup<T> = ReadonlyMap<string, T> | Readonly<Record<string, T>>;

export interface TemporalDocs {
  /** temporal_rules documents by id. */
  rules: DocLookup<TemporalRuleDoc>;
  /** temporal_rules_sets documents by id. */
  sets?: DocLookup<TemporalRuleSetDoc>;
}

export interface TemporalRouteOptions extends EvaluateOptions {
  /** The node's data.rules: rule or rule-set ids evaluated before the child keys. */
  rules?: readonly string[];
  /** The node's data.rule_set: a rule-set id whose rules are evaluated last, all leading to child `rule_set`. */
  ruleSet?: string;
}

/** One rule to evaluate, and the branch key Kazoo continues with when it is active. */
export interface Candidate {
  ruleId: string;
  branchKey: string;
  /** Where the candidate came from. */
  via: 'rules' | 'children' | 'rule_set';
  /** The rule set it was expanded from, if any. */
  setId?: string;
}

export interface CandidateEvaluation extends Omit<RuleEvaluation, 'state'> {
  state: RuleEvaluation['state'] | 'unknown';
  branchKey: string;
}

export interface TemporalSelection {
  /** The child to take: one of the node's child keys, or `_`. */
  key: string;
  /** One line for the call trace. */
  reason: string;
  /** The rule that decided (active or forced on), if any. */
  ruleId?: string;
  /** The key Kazoo's cf_exe:continue/2 was given; differs from `key` when the node has no such child. */
  branchKey?: string;
  zone: string;
  /** The local wall-clock time used, ISO 8601 with offset. */
  localTime?: string;
  /** Each candidate looked at, in order (the walk stops at the first active one). */
  evaluations: CandidateEvaluation[];
}

/** A document by id; soft-deleted ones (`pvt_deleted: true`) behave as absent (reference §3). */
export function lookupDoc<T>(docs: DocLookup<T> | undefined, id: string): T | undefined {
  if (!docs) return undefined;
  const doc =
    docs instanceof Map
      ? docs.get(id)
      : Object.prototype.hasOwnProperty.call(docs, id)
        ? (docs as Record<string, T>)[id]
        : undefined;
  if (doc && typeof doc === 'object' && (doc as { pvt_deleted?: unknown }).pvt_deleted === true) return undefined;
  return doc;
}

/**
 * Kazoo's candidate list: each id of data.rules, then each child key but `_` in document order, then the
 * rules of data.rule_set (branch key "rule_set"). An id naming a rule set with rules is replaced by its rules,
 * each leading to the set's id; the rules of data.rule_set are not expanded again. Duplicates are kept.
 */
export function temporalCandidates(
  childKeys: readonly string[],
  sets: DocLookup<TemporalRuleSetDoc> | undefined,
  options: Pick<TemporalRouteOptions, 'rules' | 'ruleSet'> = {},
): Candidate[] {
  const direct: Candidate[] = [
    ...(options.rules ?? []).map((id): Candidate => ({ ruleId: id, branchKey: id, via: 'rules' })),
    ...childKeys.filter((k) => k !== '_').map((k): Candidate => ({ ruleId: k, branchKey: k, via: 'children' })),
  ];
  const expanded = direct.flatMap((c): Candidate[] => {
    const members = ruleSetMembers(lookupDoc(sets, c.ruleId));
    if (members.length === 0) return [c];
    return members.map((m) => ({ ruleId: m, branchKey: c.ruleId, via: c.via, setId: c.ruleId }));
  });
  const ruleSetId = options.ruleSet;
  const fromRuleSet = ruleSetId
    ? ruleSetMembers(lookupDoc(sets, ruleSetId)).map(
        (m): Candidate => ({ ruleId: m, branchKey: 'rule_set', via: 'rule_set', setId: ruleSetId }),
      )
    : [];
  return [...expanded, ...fromRuleSet];
}

/** Ids a temporal_route needs loaded first: data.rules, child keys but `_`, data.rule_set (rules or sets). */
export function referencedIds(
  childKeys: readonly string[],
  options: Pick<TemporalRouteOptions, 'rules' | 'ruleSet'> = {},
): string[] {
  const ids = [
    ...(options.rules ?? []),
    ...childKeys.filter((k) => k !== '_'),
    ...(options.ruleSet ? [options.ruleSet] : []),
  ];
  return [...new Set(ids)];
}

function setLabel(docs: TemporalDocs, setId: string): string {
  const name = lookupDoc(docs.sets, setId)?.name;
  return typeof name === 'string' && name !== '' ? `set ${setId} (${name})` : `set ${setId}`;
}

/**
 * The child a temporal_route node takes at `now`, its rules evaluated in `zone` (see resolveTimezone):
 * the branch key of the first active candidate (Kazoo order, temporalCandidates), else `_`.
 * `childKeys` are the node's children keys in JSON document order (keep the order of the stored JSON:
 * JSON.parse moves integer-like keys first). An active rule whose key is not a child leads to `_`, as
 * cf_exe:continue/2 falls back; ids that name no document are skipped; a rule Kazoo would crash on
 * (see rules.ts) ends the walk with `_`.
 */
export function selectTemporalChild(
  childKeys: readonly string[],
  docs: TemporalDocs,
  now: Instant,
  zone: string,
  options: TemporalRouteOptions = {},
): TemporalSelection {
  const clock = localClock(now, zone);
  if (!clock) {
    const reason = `unknown time zone ${JSON.stringify(zone)}: Kazoo's module crashes → _`;
    return { key: '_', reason, zone, evaluations: [] };
  }
  const candidates = temporalCandidates(childKeys, docs.sets, options);
  const prepared = new Map<string, PreparedRule>();
  for (const c of candidates) {
    const doc = lookupDoc(docs.rules, c.ruleId);
    if (doc && !prepared.has(c.ruleId)) prepared.set(c.ruleId, prepareRule(c.ruleId, doc, zone));
  }
  const done = (sel: Omit<TemporalSelection, 'zone' | 'localTime'>): TemporalSelection => ({
    ...sel,
    zone,
    localTime: clock.iso,
  });

  // Kazoo builds every rule that has started before evaluating any: a document it cannot build crashes the module.
  for (const p of prepared.values()) {
    const started = p.startDate !== undefined && compareDates(p.startDate, clock.date) <= 0;
    if (started && p.buildError) {
      const reason = `${describeRule(p.id, p.name)} is invalid (${p.buildError}): Kazoo's module crashes → _`;
      return done({ key: '_', reason, evaluations: [] });
    }
  }

  const evaluations: CandidateEvaluation[] = [];
  for (const c of candidates) {
    const p = prepared.get(c.ruleId);
    if (!p) {
      const reason = `no temporal rule ${c.ruleId}: skipped`;
      evaluations.push({ id: c.ruleId, name: '', state: 'unknown', active: false, reason, branchKey: c.branchKey });
      continue;
    }
    const ev = evaluatePrepared(p, clock, options);
    evaluations.push({ ...ev, branchKey: c.branchKey });
    if (ev.state === 'invalid') {
      return done({ key: '_', reason: `${ev.reason}: Kazoo's module crashes → _`, evaluations });
    }
    if (!ev.active) continue;
    const who = describeRule(ev.id, ev.name);
    const from = c.setId ? ` of ${setLabel(docs, c.setId)}` : '';
    const head = ev.reason.startsWith(who) ? `${who}${from}${ev.reason.slice(who.length)}` : ev.reason;
    if (childKeys.includes(c.branchKey)) {
      const reason = `${head} → ${c.branchKey}`;
      return done({ key: c.branchKey, reason, ruleId: c.ruleId, branchKey: c.branchKey, evaluations });
    }
    return done({
      key: '_',
      reason: `${head}, but the node has no child ${c.branchKey} → _`,
      ruleId: c.ruleId,
      branchKey: c.branchKey,
      evaluations,
    });
  }
  return done({ key: '_', reason: `no rule active (${evaluations.length} candidates) → _`, evaluations });
}

/**
 * Whether a rule set is active: one of its rules (in its order) is active or forced on — the set's child
 * would be taken if the set were a node's only candidate. A member Kazoo would crash on makes it inactive.
 */
export function isRuleSetActive(
  setId: string,
  docs: TemporalDocs,
  now: Instant,
  zone: string,
  options: EvaluateOptions = {},
): boolean {
  if (ruleSetMembers(lookupDoc(docs.sets, setId)).length === 0) return false;
  return selectTemporalChild([setId], docs, now, zone, options).key === setId;
}
