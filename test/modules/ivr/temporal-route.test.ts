// temporal_route on real calls: rules built around the current time in a fixed zone, account zone
// inheritance, rule sets, and the admin actions (enable / disable / reset / menu) saving rule documents.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import type { CallflowNode } from '../../../lib/engine/module.ts';

const hangup: CallflowNode = { module: 'hangup', data: {} };
const noop: CallflowNode = { module: 'noop', data: {} };
const ZONE = 'Asia/Tokyo';

/** Today's weekday name and the wall-clock second of the day in `zone`. */
function nowIn(zone: string) {
  const t = DateTime.now().setZone(zone);
  return { weekday: t.toFormat('cccc').toLowerCase(), second: t.hour * 3600 + t.minute * 60 + t.second };
}

const clamp = (s: number) => Math.max(0, Math.min(86400, s));

/** A weekly rule for today in `zone` whose window holds now (±1 h). */
function activeRule(name: string, zone = ZONE) {
  const { weekday, second } = nowIn(zone);
  return { name, cycle: 'weekly', interval: 1, wdays: [weekday], time_window_start: clamp(second - 3600), time_window_stop: clamp(second + 3600) };
}

/** A weekly rule for today whose window ended at least an hour ago (or, just after midnight, is empty). */
function pastRule(name: string, zone = ZONE) {
  const { weekday, second } = nowIn(zone);
  return { name, cycle: 'weekly', interval: 1, wdays: [weekday], time_window_start: 0, time_window_stop: Math.max(0, second - 3600) };
}

describe('temporal_route on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  const steps = (rec: { trace: { module: string; result: string }[] }) => rec.trace.map((s) => [s.module, s.result]);

  async function run(flow: CallflowNode, dtmf?: string) {
    const number = await h.callflow(flow);
    const caller = await h.call(number);
    if (dtmf) {
      await caller.waitPlayback('PlaybackStarted', undefined, 8000);
      await caller.sendDtmf(dtmf);
    }
    await caller.waitEnded(10_000);
    return { rec: await h.record(caller.peerId), caller };
  }

  it('takes the child of the rule active now (children in document order)', async () => {
    const closed = await h.doc('temporal_rules', pastRule('Morning'));
    const open = await h.doc('temporal_rules', activeRule('Open now'));
    const { rec } = await run({
      module: 'temporal_route',
      data: { timezone: ZONE },
      children: { [closed]: noop, [open]: hangup, _: noop },
    });
    expect(steps(rec)).to.deep.equal([
      ['temporal_route', open],
      ['hangup', 'hard_stop'],
    ]);
    expect(rec.trace[0].reason).to.contain(`rule ${open} (Open now)`);
    expect(rec.trace[0].reason).to.contain(ZONE);
  });

  it('takes `_` when no rule is active', async () => {
    const closed = await h.doc('temporal_rules', pastRule('Closed'));
    const other = await h.doc('temporal_rules', { ...activeRule('Tomorrow'), wdays: [DateTime.now().setZone(ZONE).plus({ days: 1 }).toFormat('cccc').toLowerCase()] });
    const { rec } = await run({
      module: 'temporal_route',
      data: { timezone: ZONE, rules: [closed] },
      children: { [closed]: noop, [other]: noop, _: hangup },
    });
    expect(steps(rec)).to.deep.equal([
      ['temporal_route', '_'],
      ['hangup', 'hard_stop'],
    ]);
    expect(rec.trace[0].reason).to.match(/no rule active/);
  });

  it('inherits the account time zone', async () => {
    const open = await h.doc('temporal_rules', activeRule('Open in Tokyo'));
    await h.db.collection('accounts').updateOne({ _id: h.accountId as never }, { $set: { timezone: ZONE } });
    try {
      const { rec } = await run({ module: 'temporal_route', data: { timezone: 'inherit' }, children: { [open]: hangup, _: noop } });
      expect(steps(rec)[0]).to.deep.equal(['temporal_route', open]);
      expect(rec.trace[0].reason).to.contain(ZONE);
    } finally {
      await h.db.collection('accounts').updateOne({ _id: h.accountId as never }, { $unset: { timezone: '' } });
    }
    // Without it the system default (America/Los_Angeles) applies, where the Tokyo window is not now.
    const { rec } = await run({ module: 'temporal_route', data: {}, children: { [open]: noop, _: hangup } });
    expect(steps(rec)[0]).to.deep.equal(['temporal_route', '_']);
    expect(rec.trace[0].reason).to.contain('America/Los_Angeles');
  });

  it('evaluates data.rules first and expands rule sets (a set child and the `rule_set` child)', async () => {
    const open = await h.doc('temporal_rules', activeRule('Open'));
    const holiday = await h.doc('temporal_rules', activeRule('Holiday'));
    const set = await h.doc('temporal_rules_sets', { name: 'Holidays', temporal_rules: [holiday] });
    // The set is listed in data.rules, so it is evaluated before the `open` child.
    const first = await run({ module: 'temporal_route', data: { timezone: ZONE, rules: [set] }, children: { [open]: noop, [set]: hangup, _: noop } });
    expect(steps(first.rec)[0]).to.deep.equal(['temporal_route', set]);
    expect(first.rec.trace[0].reason).to.contain('set');

    const viaRuleSet = await run({ module: 'temporal_route', data: { timezone: ZONE, rule_set: set }, children: { rule_set: hangup, _: noop } });
    expect(steps(viaRuleSet.rec)[0]).to.deep.equal(['temporal_route', 'rule_set']);
  });

  it('enable / disable / reset write `enabled` on the rules of data.rules, then continue', async () => {
    const rule = await h.doc('temporal_rules', pastRule('Office'));
    const stored = () => h.db.collection('temporal_rules').findOne({ _id: rule as never });

    const enable = await run({ module: 'temporal_route', data: { action: 'enable', rules: [rule, 'a'.repeat(32)] }, children: { _: hangup } });
    expect(steps(enable.rec)).to.deep.equal([
      ['temporal_route', '_'],
      ['hangup', 'hard_stop'],
    ]);
    expect(enable.rec.trace[0].reason).to.equal(`enable: rule ${rule} enabled=true saved; rule ${'a'.repeat(32)} not found`);
    expect(enable.caller.events().some((e) => e.type === 'PlaybackStarted' && e.playback?.media_uri === 'sound:activated')).to.equal(true);
    expect((await stored())?.enabled).to.equal(true);

    // Forced on: routing now takes it although its window is over.
    const routed = await run({ module: 'temporal_route', data: { timezone: ZONE }, children: { [rule]: hangup, _: noop } });
    expect(steps(routed.rec)[0]).to.deep.equal(['temporal_route', rule]);

    await run({ module: 'temporal_route', data: { action: 'disable', rules: [rule] } });
    expect((await stored())?.enabled).to.equal(false);

    await run({ module: 'temporal_route', data: { action: 'reset', rules: [rule] } });
    const reset = await stored();
    expect(reset).not.to.have.property('enabled');
    expect(reset?.name).to.equal('Office');
  });

  it('the admin menu reads one key: 2 disables', async () => {
    const rule = await h.doc('temporal_rules', activeRule('Menu target'));
    const { rec } = await run({ module: 'temporal_route', data: { action: 'menu', rules: [rule] }, children: { _: hangup } }, '2');
    expect(steps(rec)[0]).to.deep.equal(['temporal_route', '_']);
    expect(rec.trace[0].reason).to.equal(`menu: pressed 2 → disable: rule ${rule} enabled=false saved`);
    expect((await h.db.collection('temporal_rules').findOne({ _id: rule as never }))?.enabled).to.equal(false);
  });

  it('a hangup during the admin menu changes nothing', async () => {
    const rule = await h.doc('temporal_rules', activeRule('Untouched'));
    const number = await h.callflow({ module: 'temporal_route', data: { action: 'menu', rules: [rule] }, children: { _: noop } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted', undefined, 8000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['temporal_route', 'caller_hangup']]);
    expect(await h.db.collection('temporal_rules').findOne({ _id: rule as never })).not.to.have.property('enabled');
  });
});
