// Kazoo temporal rules (time-of-day routing): the pure logic behind the temporal_route module.
// Kazoo: cf_temporal_route. Entry points: selectTemporalChild (routing), evaluateRule, the admin actions.
export * from './admin.ts';
export * from './civil-date.ts';
export * from './gregorian.ts';
export * from './local-clock.ts';
export * from './rule-doc.ts';
export * from './rules.ts';
export * from './select.ts';
export { RuleEvaluationError, type DatedRule, kazooNextRuleDate } from './kazoo-next-date.ts';
export { occursOn } from './calendar-occurrence.ts';
