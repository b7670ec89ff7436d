// Table tests: temporal_route admin actions (enable / disable / reset / menu) as pure state changes.
import { expect } from 'chai';
import {
  type MenuChoice,
  type TemporalChange,
  adminConfirmationPrompt,
  adminTargets,
  applyTemporalAdminAction,
  enabledAfter,
  menuChoice,
  parseTemporalAction,
} from '../../lib/temporal/admin.ts';
import type { TemporalRuleDoc } from '../../lib/temporal/rule-doc.ts';
import { selectTemporalChild } from '../../lib/temporal/select.ts';
import { WEEKDAYS, at, startOn } from './helpers.ts';

describe('temporal_route admin: action parsing and targets', () => {
  const actions: Array<[unknown, string | undefined]> = [
    ['menu', 'menu'],
    ['enable', 'enable'],
    ['disable', 'disable'],
    ['reset', 'reset'],
    [undefined, undefined],
    ['', undefined],
    ['Enable', undefined],
    ['route', undefined],
    [1, undefined],
  ];
  for (const [input, expected] of actions) {
    it(`action ${JSON.stringify(input)} → ${expected ?? 'routing mode'}`, () => {
      expect(parseTemporalAction(input)).to.equal(expected);
    });
  }

  const targets: Array<[{ rules?: unknown }, string[]]> = [
    [{ rules: ['a', 'b', 'a'] }, ['a', 'b', 'a']],
    [{}, []],
    [{ rules: 'a' }, []],
    [{ rules: ['a', 7, '', null, 'b'] }, ['a', 'b']],
  ];
  for (const [data, expected] of targets) {
    it(`targets of ${JSON.stringify(data)} → ${JSON.stringify(expected)}`, () => {
      expect(adminTargets(data)).to.deep.equal(expected);
    });
  }
});

describe('temporal_route admin: what `enabled` becomes', () => {
  const base: TemporalRuleDoc = { _id: 'r', name: 'Open', cycle: 'weekly', wdays: ['monday'], flags: ['x'], ui_metadata: { a: 1 } };
  const table: Array<{ before: TemporalRuleDoc['enabled'] | 'absent'; action: TemporalChange; after: boolean | 'absent' }> = [
    { before: 'absent', action: 'enable', after: true },
    { before: false, action: 'enable', after: true },
    { before: true, action: 'enable', after: true },
    { before: 'absent', action: 'disable', after: false },
    { before: true, action: 'disable', after: false },
    { before: null, action: 'disable', after: false },
    { before: true, action: 'reset', after: 'absent' },
    { before: false, action: 'reset', after: 'absent' },
    { before: 'absent', action: 'reset', after: 'absent' },
    { before: 'true', action: 'reset', after: 'absent' },
  ];
  for (const t of table) {
    it(`enabled ${String(t.before)} + ${t.action} → ${String(t.after)}`, () => {
      const doc: TemporalRuleDoc = t.before === 'absent' ? { ...base } : { ...base, enabled: t.before };
      const snapshot = JSON.stringify(doc);
      const out = applyTemporalAdminAction(doc, t.action);
      if (t.after === 'absent') expect(out).to.not.have.property('enabled');
      else expect(out.enabled).to.equal(t.after);
      const { enabled: _e, ...rest } = out;
      expect(rest).to.deep.equal(base); // every other key preserved
      expect(JSON.stringify(doc)).to.equal(snapshot); // input untouched
    });
  }

  it('enabledAfter and the confirmation prompts', () => {
    expect([enabledAfter('enable'), enabledAfter('disable'), enabledAfter('reset')]).to.deep.equal([true, false, undefined]);
    expect(['enable', 'disable', 'reset'].map((a) => adminConfirmationPrompt(a as TemporalChange))).to.deep.equal([
      'temporal-marked_enabled',
      'temporal-marked_disabled',
      'temporal-marker_reset',
    ]);
  });
});

describe('temporal_route admin: menu digits', () => {
  const table: Array<[string | undefined, MenuChoice]> = [
    ['1', 'enable'],
    ['2', 'disable'],
    ['3', 'reset'],
    ['4', 'replay'],
    ['0', 'replay'],
    ['*', 'replay'],
    ['', 'replay'], // timeout or a lone `#`: Kazoo plays the menu again
    ['11', 'replay'],
    [undefined, 'exit'], // hangup or media error
  ];
  for (const [digits, choice] of table) {
    it(`${JSON.stringify(digits)} → ${choice}`, () => {
      expect(menuChoice(digits)).to.equal(choice);
    });
  }
});

describe('temporal_route admin: effect on routing', () => {
  const open: TemporalRuleDoc = { name: 'Open', cycle: 'weekly', wdays: WEEKDAYS, time_window_start: at(9), time_window_stop: at(17), start_date: startOn('2024-01-01') };
  const route = (doc: TemporalRuleDoc, instant: string) => selectTemporalChild(['open', '_'], { rules: { open: doc } }, instant, 'America/New_York').key;
  const table: Array<{ action: TemporalChange; instant: string; key: string }> = [
    { action: 'enable', instant: '2024-03-16T22:00:00-04:00', key: 'open' }, // Saturday night: forced open
    { action: 'disable', instant: '2024-03-12T10:00:00-04:00', key: '_' }, // Tuesday 10:00: forced closed
    { action: 'reset', instant: '2024-03-12T10:00:00-04:00', key: 'open' }, // back to the schedule
    { action: 'reset', instant: '2024-03-16T22:00:00-04:00', key: '_' },
  ];
  for (const t of table) {
    it(`${t.action} then route at ${t.instant} → ${t.key}`, () => {
      const start = t.action === 'reset' ? { ...open, enabled: false } : open;
      expect(route(applyTemporalAdminAction(start, t.action), t.instant)).to.equal(t.key);
    });
  }
});
