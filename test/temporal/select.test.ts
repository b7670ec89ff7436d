// Table tests: which child a temporal_route takes (Kazoo candidate order, rule sets, overrides, crashes).
import { expect } from 'chai';
import type { TemporalRuleDoc, TemporalRuleSetDoc } from '../../lib/temporal/rule-doc.ts';
import {
  type TemporalDocs,
  type TemporalRouteOptions,
  isRuleSetActive,
  referencedIds,
  selectTemporalChild,
  temporalCandidates,
} from '../../lib/temporal/select.ts';
import { WEEKDAYS, at, startOn } from './helpers.ts';

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';

const since2024 = startOn('2024-01-01');
const rules: Record<string, TemporalRuleDoc> = {
  open: { name: 'Open', cycle: 'weekly', wdays: WEEKDAYS, time_window_start: at(9), time_window_stop: at(17), start_date: since2024 },
  lunch: { name: 'Lunch', cycle: 'weekly', wdays: WEEKDAYS, time_window_start: at(12), time_window_stop: at(13), start_date: since2024 },
  xmas: { name: 'Christmas', cycle: 'yearly', month: 12, days: [25] },
  thanks: { name: 'Thanksgiving', cycle: 'yearly', month: 11, ordinal: 'fourth', wdays: ['thursday'] },
  off: { name: 'Always, but disabled', cycle: 'weekly', wdays: [], enabled: false, start_date: since2024 },
  forced: { name: 'Night mode', cycle: 'weekly', wdays: ['sunday'], enabled: true, start_date: since2024 },
  twoDays: { name: 'Broken ordinal', cycle: 'monthly', ordinal: 'first', wdays: ['monday', 'friday'], start_date: since2024 },
  badName: { name: 'Bad weekday', cycle: 'weekly', wdays: ['Friday'], start_date: since2024 },
  future: { name: 'Next office', cycle: 'weekly', wdays: [], start_date: startOn('2030-01-01') },
  futureBad: { name: 'Future, bad weekday', cycle: 'weekly', wdays: ['Friday'], start_date: startOn('2030-01-01') },
  '2': { name: 'Two', cycle: 'weekly', wdays: [], start_date: since2024 },
  '1': { name: 'One', cycle: 'weekly', wdays: [], start_date: since2024 },
  deleted: { name: 'Deleted', cycle: 'weekly', wdays: [], start_date: since2024, pvt_deleted: true },
  quirk: { name: 'Fifth Friday', cycle: 'monthly', ordinal: 'fifth', wdays: ['friday'], start_date: since2024 },
};
const sets: Record<string, TemporalRuleSetDoc> = {
  holidays: { name: 'Holidays', temporal_rules: ['xmas', 'thanks'] },
  empty: { name: 'Empty set', temporal_rules: [] },
  outer: { name: 'Set of sets', temporal_rules: ['holidays'] },
  withUnknown: { name: 'Has a dangling id', temporal_rules: ['nope', 'open'] },
};
const docs: TemporalDocs = { rules, sets };

const TUE_1000 = '2024-03-12T10:00:00-04:00';
const TUE_1230 = '2024-03-12T12:30:00-04:00';
const TUE_2000 = '2024-03-12T20:00:00-04:00';
const XMAS_1000 = '2024-12-25T10:00:00-05:00'; // a Wednesday
const XMAS_2000 = '2024-12-25T20:00:00-05:00';
const THANKS_1000 = '2024-11-28T10:00:00-05:00'; // a Thursday
const SAT_1000 = '2024-03-16T10:00:00-04:00';

interface Case {
  description: string;
  children: string[];
  options?: TemporalRouteOptions;
  instant: string;
  tz?: string;
  docs?: TemporalDocs;
  key: string;
  ruleId?: string;
  branchKey?: string;
}

const cases: Case[] = [
  { description: 'open hours', children: ['open', '_'], instant: TUE_1000, key: 'open', ruleId: 'open' },
  { description: 'after hours', children: ['open', '_'], instant: TUE_2000, key: '_' },
  { description: 'two active rules: the first child key in document order wins (open, lunch)', children: ['open', 'lunch', '_'], instant: TUE_1230, key: 'open' },
  { description: 'two active rules: the first child key in document order wins (lunch, open)', children: ['lunch', 'open', '_'], instant: TUE_1230, key: 'lunch' },
  { description: '`_` listed first changes nothing', children: ['_', 'lunch', 'open'], instant: TUE_1230, key: 'lunch' },
  { description: 'data.rules come before the child keys', children: ['open', 'lunch', '_'], options: { rules: ['lunch'] }, instant: TUE_1230, key: 'lunch' },
  { description: 'data.rules then children: lunch not active at 10:00', children: ['open', 'lunch', '_'], options: { rules: ['lunch'] }, instant: TUE_1000, key: 'open' },
  { description: 'unknown rule id child ignored', children: ['deadbeef', 'open', '_'], instant: TUE_1000, key: 'open' },
  { description: 'unknown rule id in data.rules ignored', children: ['open', '_'], options: { rules: ['deadbeef'] }, instant: TUE_1000, key: 'open' },
  { description: 'rule set as child key: Christmas', children: ['holidays', 'open', '_'], instant: XMAS_1000, key: 'holidays', ruleId: 'xmas' },
  { description: 'rule set as child key: Thanksgiving', children: ['holidays', 'open', '_'], instant: THANKS_1000, key: 'holidays', ruleId: 'thanks' },
  { description: 'rule set as child key: an ordinary Tuesday', children: ['holidays', 'open', '_'], instant: TUE_1000, key: 'open' },
  { description: 'rule set listed after open: open wins on a weekday holiday', children: ['open', 'holidays', '_'], instant: XMAS_1000, key: 'open' },
  { description: 'rule set in data.rules', children: ['holidays', 'open', '_'], options: { rules: ['holidays'] }, instant: XMAS_2000, key: 'holidays', ruleId: 'xmas' },
  { description: 'data.rule_set is evaluated after every child key', children: ['open', 'rule_set', '_'], options: { ruleSet: 'holidays' }, instant: XMAS_1000, key: 'open' },
  { description: 'data.rule_set after hours → child rule_set', children: ['open', 'rule_set', '_'], options: { ruleSet: 'holidays' }, instant: XMAS_2000, key: 'rule_set', ruleId: 'xmas' },
  { description: 'data.rule_set even when the rule_set child comes first', children: ['rule_set', 'open', '_'], options: { ruleSet: 'holidays' }, instant: XMAS_1000, key: 'open' },
  { description: 'a rule set inside data.rule_set is not expanded', children: ['rule_set', '_'], options: { ruleSet: 'outer' }, instant: XMAS_1000, key: '_' },
  { description: 'a rule set without rules counts as an (unknown) rule id', children: ['empty', 'open', '_'], instant: TUE_1000, key: 'open' },
  { description: 'a set with a dangling member: the member is skipped', children: ['withUnknown', '_'], instant: TUE_1000, key: 'withUnknown', ruleId: 'open' },
  { description: 'active rule without a child → `_` (Kazoo continue falls back), later rules not looked at', children: ['open', '_'], options: { rules: ['xmas'] }, instant: XMAS_1000, key: '_', ruleId: 'xmas', branchKey: 'xmas' },
  { description: 'a soft-deleted rule (pvt_deleted) is skipped like an unknown id', children: ['deleted', 'open', '_'], instant: TUE_2000, key: '_' },
  { description: 'enabled: false is skipped', children: ['off', 'open', '_'], instant: TUE_1000, key: 'open' },
  { description: 'enabled: false and nothing else active', children: ['off', '_'], instant: TUE_2000, key: '_' },
  { description: 'enabled: true wins on a Tuesday', children: ['forced', 'open', '_'], instant: TUE_1000, key: 'forced' },
  { description: 'enabled: true after another active rule: order still decides', children: ['open', 'forced', '_'], instant: TUE_1000, key: 'open' },
  { description: 'a rule Kazoo crashes on, reached → `_`', children: ['twoDays', 'open', '_'], instant: TUE_1000, key: '_' },
  { description: 'a rule Kazoo crashes on, not reached', children: ['open', 'twoDays', '_'], instant: TUE_1000, key: 'open' },
  { description: 'a rule Kazoo crashes on, reached after hours', children: ['open', 'twoDays', '_'], instant: TUE_2000, key: '_' },
  { description: 'an unreadable weekday anywhere → `_` (Kazoo builds all rules first)', children: ['open', 'badName', '_'], instant: TUE_1000, key: '_' },
  { description: 'an unreadable weekday in a rule that has not started is harmless', children: ['futureBad', 'open', '_'], instant: TUE_1000, key: 'open' },
  { description: 'a rule that starts in the future is discarded', children: ['future', 'open', '_'], instant: SAT_1000, key: '_' },
  { description: 'integer-like keys keep the order given (2 before 1)', children: ['2', '1', '_'], instant: TUE_1000, key: '2' },
  { description: 'integer-like keys keep the order given (1 before 2)', children: ['1', '2', '_'], instant: TUE_1000, key: '1' },
  { description: 'no children but `_`, no rules', children: ['_'], instant: TUE_1000, key: '_' },
  { description: 'no children at all', children: [], instant: TUE_1000, key: '_' },
  { description: 'unknown time zone → `_`', children: ['open', '_'], instant: TUE_1000, tz: 'Nowhere/Special', key: '_' },
  { description: 'Kazoo quirk taken by default: fifth Friday on Fri 1 Mar 2024', children: ['quirk', '_'], instant: '2024-03-01T12:00:00Z', tz: 'UTC', key: 'quirk' },
  { description: 'calendar semantics on request: fifth Friday on Fri 1 Mar 2024', children: ['quirk', '_'], options: { semantics: 'calendar' }, instant: '2024-03-01T12:00:00Z', tz: 'UTC', key: '_' },
  { description: 'docs as Maps', children: ['open', '_'], docs: { rules: new Map(Object.entries(rules)), sets: new Map(Object.entries(sets)) }, instant: TUE_1000, key: 'open' },
];

describe('temporal_route: selectTemporalChild', () => {
  for (const c of cases) {
    it(`${c.description} → ${c.key}`, () => {
      const sel = selectTemporalChild(c.children, c.docs ?? docs, c.instant, c.tz ?? NY, c.options);
      expect(sel.key, sel.reason).to.equal(c.key);
      if (c.ruleId !== undefined) expect(sel.ruleId, sel.reason).to.equal(c.ruleId);
      if (c.branchKey !== undefined) expect(sel.branchKey, sel.reason).to.equal(c.branchKey);
      if (c.key === '_' && c.ruleId === undefined) expect(sel.ruleId).to.equal(undefined);
    });
  }

  it('office example in Los Angeles: holidays first, then lunch, then open hours, else after-hours', () => {
    const children = ['holidays', 'lunch', 'open', '_'];
    const options = { rules: ['holidays', 'lunch', 'open'] };
    const pick = (instant: string) => selectTemporalChild(children, docs, instant, LA, options).key;
    expect(pick('2024-03-12T10:00:00-07:00')).to.equal('open');
    expect(pick('2024-03-12T12:30:00-07:00')).to.equal('lunch');
    expect(pick('2024-12-25T10:00:00-08:00')).to.equal('holidays');
    expect(pick('2024-03-16T10:00:00-07:00')).to.equal('_');
  });

  it('explains the decision for the trace', () => {
    expect(selectTemporalChild(['open', '_'], docs, TUE_1000, NY).reason).to.equal(
      'rule open (Open) active: in its window 09:00:00–17:00:00 today → open',
    );
    expect(selectTemporalChild(['holidays', '_'], docs, XMAS_1000, NY).reason).to.equal(
      'rule xmas (Christmas) of set holidays (Holidays) active: in its window 00:00:00–24:00:00 today → holidays',
    );
    expect(selectTemporalChild(['open', '_'], docs, XMAS_1000, NY, { rules: ['xmas'] }).reason).to.equal(
      'rule xmas (Christmas) active: in its window 00:00:00–24:00:00 today, but the node has no child xmas → _',
    );
    expect(selectTemporalChild(['forced', '_'], docs, TUE_1000, NY).reason).to.equal('rule forced (Night mode) forced active (enabled: true) → forced');
    expect(selectTemporalChild(['deadbeef', 'open', '_'], docs, TUE_2000, NY).reason).to.equal('no rule active (2 candidates) → _');
    expect(selectTemporalChild(['twoDays', '_'], docs, TUE_1000, NY).reason).to.equal(
      "rule twoDays (Broken ordinal) cannot be evaluated: monthly rule by ordinal needs exactly one weekday in wdays, has 2: Kazoo's module crashes → _",
    );
  });

  it('records every candidate looked at, in order, and stops at the first active one', () => {
    const sel = selectTemporalChild(['deadbeef', 'off', 'holidays', 'open', 'lunch', '_'], docs, TUE_1000, NY);
    expect(sel.evaluations.map((e) => [e.id, e.state, e.branchKey])).to.deep.equal([
      ['deadbeef', 'unknown', 'deadbeef'],
      ['off', 'forced_off', 'off'],
      ['xmas', 'inactive', 'holidays'],
      ['thanks', 'inactive', 'holidays'],
      ['open', 'active', 'open'],
    ]);
    expect(sel.zone).to.equal(NY);
    expect(sel.localTime).to.equal('2024-03-12T10:00:00-04:00');
  });
});

describe('temporal_route: candidate order', () => {
  it('data.rules, then child keys but `_`, then data.rule_set members; sets expanded', () => {
    const list = temporalCandidates(['open', '_', 'holidays', 'rule_set'], sets, { rules: ['lunch', 'holidays'], ruleSet: 'holidays' });
    expect(list.map((c) => `${c.ruleId}→${c.branchKey}`)).to.deep.equal([
      'lunch→lunch',
      'xmas→holidays',
      'thanks→holidays',
      'open→open',
      'xmas→holidays',
      'thanks→holidays',
      'rule_set→rule_set',
      'xmas→rule_set',
      'thanks→rule_set',
    ]);
  });

  it('lists the ids to load before selecting', () => {
    expect(referencedIds(['open', '_', 'holidays'], { rules: ['lunch', 'open'], ruleSet: 'hol2' })).to.deep.equal(['lunch', 'open', 'holidays', 'hol2']);
  });
});

describe('temporal rule sets: active when one of their rules is', () => {
  const table: Array<[string, string, boolean]> = [
    ['holidays', XMAS_1000, true],
    ['holidays', THANKS_1000, true],
    ['holidays', TUE_1000, false],
    ['withUnknown', TUE_1000, true], // dangling member skipped, `open` active
    ['withUnknown', TUE_2000, false],
    ['empty', TUE_1000, false],
    ['outer', XMAS_1000, false], // a set inside a set is not expanded (Kazoo expands once): `holidays` is no rule
    ['nosuchset', TUE_1000, false],
  ];
  for (const [setId, instant, expected] of table) {
    it(`${setId} at ${instant} → ${expected}`, () => {
      expect(isRuleSetActive(setId, docs, instant, NY)).to.equal(expected);
    });
  }
});
