// Per-callflow call statistics over a date range, computed by the database (one aggregation with
// $facet: totals, per tracking source, and the distinct ways through the flow), then the ways are
// replayed over the callflow's tree to give hits and outcomes per node.
import type { Db, Document } from 'mongodb';
import type { CallflowNode } from '../engine/module.ts';

/** The callflow's rule for a qualified call: talked at least `min_talk_seconds` and/or carries `tag`. */
export interface QualifiedRule {
  min_talk_seconds?: number;
  tag?: string;
  /** `any` (default): one of the given conditions is enough; `all`: every given condition. */
  require?: 'any' | 'all';
}

export interface Counts {
  total: number;
  answered: number;
  missed: number;
  voicemails: number;
  qualified: number | null;
}

export interface NodeStats {
  /** Where the node is in the callflow document: `flow`, `flow.children._`, `flow.children.1.children._`… */
  path: string;
  module: string;
  hits: number;
  /** Child key taken or control verb (stop, branch…) → calls. */
  outcomes: Record<string, number>;
}

export interface CallflowStats extends Counts {
  callflow_id: string;
  from: string;
  to: string;
  qualified_rule: QualifiedRule | null;
  sources: Array<Counts & { source: string | null }>;
  nodes: NodeStats[];
}

export function qualifiedRuleOf(callflow: Record<string, unknown>): QualifiedRule | null {
  const raw = callflow.qualified_call;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const rule: QualifiedRule = {};
  const min = Number(r.min_talk_seconds);
  if (r.min_talk_seconds !== undefined && Number.isFinite(min) && min >= 0) rule.min_talk_seconds = min;
  if (typeof r.tag === 'string' && r.tag !== '') rule.tag = r.tag;
  if (r.require === 'all' || r.require === 'any') rule.require = r.require;
  return rule.min_talk_seconds === undefined && rule.tag === undefined ? null : rule;
}

/** A call is answered when a person took it (a bridge was answered: `attributes.call_bridged`). */
const answeredExpr = { $eq: ['$attributes.call_bridged', true] };
const voicemailExpr = { $or: [{ $eq: ['$attributes.message_left', true] }, { $eq: ['$attributes.voicemail.message_left', true] }] };
/**
 * Talk time: `attributes.talk_seconds` when a module recorded it, else answer → hangup of a bridged call
 * (an upper bound when the flow answered before ringing someone).
 */
const talkExpr = {
  $ifNull: [
    '$attributes.talk_seconds',
    { $cond: [{ $and: [answeredExpr, { $ne: [{ $ifNull: ['$answered_at', null] }, null] }] }, { $divide: [{ $subtract: ['$ended_at', '$answered_at'] }, 1000] }, 0] },
  ],
};

function qualifiedExpr(rule: QualifiedRule | null): Document {
  if (!rule) return { $literal: false };
  const parts: Document[] = [];
  if (rule.min_talk_seconds !== undefined) parts.push({ $and: ['$answered', { $gte: ['$talk', rule.min_talk_seconds] }] }); // fields of the $project stage
  if (rule.tag !== undefined) parts.push({ $in: [rule.tag, { $ifNull: ['$attributes.tags', []] }] });
  return rule.require === 'all' ? { $and: parts } : { $or: parts };
}

const countGroup = {
  total: { $sum: 1 },
  answered: { $sum: { $cond: ['$answered', 1, 0] } },
  voicemails: { $sum: { $cond: ['$voicemail', 1, 0] } },
  qualified: { $sum: { $cond: ['$qualified', 1, 0] } },
};

export function statsPipeline(accountId: string, callflowId: string, from: Date, to: Date, rule: QualifiedRule | null): Document[] {
  return [
    { $match: { account_id: accountId, callflow_id: callflowId, started_at: { $gte: from, $lte: to } } },
    {
      $project: {
        source: { $ifNull: ['$attributes.attribution.source', null] },
        answered: answeredExpr,
        voicemail: voicemailExpr,
        talk: talkExpr,
        attributes: { tags: '$attributes.tags' },
        way: { $map: { input: { $ifNull: ['$trace', []] }, as: 's', in: { m: '$$s.module', r: '$$s.result' } } },
      },
    },
    { $addFields: { qualified: qualifiedExpr(rule) } },
    {
      $facet: {
        totals: [{ $group: { _id: null, ...countGroup } }],
        sources: [{ $group: { _id: '$source', ...countGroup } }, { $sort: { total: -1, _id: 1 } }],
        ways: [{ $group: { _id: '$way', calls: { $sum: 1 } } }],
      },
    },
  ];
}

function counts(row: Document | undefined, rule: QualifiedRule | null): Counts {
  const total = Number(row?.total ?? 0);
  const answered = Number(row?.answered ?? 0);
  return { total, answered, missed: total - answered, voicemails: Number(row?.voicemails ?? 0), qualified: rule ? Number(row?.qualified ?? 0) : null };
}

/** Replays the ways calls took (module + result per step) over the tree: hits and outcomes per node. */
export function nodeStats(flow: CallflowNode | undefined, ways: ReadonlyArray<{ steps: ReadonlyArray<{ m: string; r: string }>; calls: number }>): NodeStats[] {
  const out = new Map<string, NodeStats>();
  for (const { steps, calls } of ways) {
    let node = flow;
    let path = 'flow';
    for (const step of steps) {
      // The tree changed since, or the walk left it (branch into another callflow, a pivot…): stop here.
      if (!node || node.module !== step.m) break;
      let stats = out.get(path);
      if (!stats) out.set(path, (stats = { path, module: node.module, hits: 0, outcomes: {} }));
      stats.hits += calls;
      stats.outcomes[step.r] = (stats.outcomes[step.r] ?? 0) + calls;
      const nextNode = node.children && Object.hasOwn(node.children, step.r) ? node.children[step.r] : undefined;
      if (!nextNode) break;
      node = nextNode;
      path = `${path}.children.${step.r}`;
    }
  }
  return [...out.values()];
}

export async function callflowStats(db: Db, accountId: string, callflow: Record<string, unknown> & { _id: string }, from: Date, to: Date): Promise<CallflowStats> {
  const rule = qualifiedRuleOf(callflow);
  const [result] = await db.collection('calls').aggregate(statsPipeline(accountId, callflow._id, from, to, rule)).toArray();
  const totals = counts(result?.totals?.[0], rule);
  const sources = ((result?.sources ?? []) as Document[]).map((row) => ({ source: (row._id as string | null) ?? null, ...counts(row, rule) }));
  const ways = ((result?.ways ?? []) as Document[]).map((row) => ({ steps: row._id as Array<{ m: string; r: string }>, calls: Number(row.calls) }));
  return {
    callflow_id: callflow._id,
    from: from.toISOString(),
    to: to.toISOString(),
    ...totals,
    qualified_rule: rule,
    sources,
    nodes: nodeStats(callflow.flow as CallflowNode | undefined, ways),
  };
}
