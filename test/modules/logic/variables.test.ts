// set_variables, set_variable, branch_variable, set_alert_info and edr on real calls.
import { expect } from 'chai';
import type { CallflowNode } from '../../../lib/engine/module.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { callPinned, channelVar, finish, holdCall, legVars, steps } from './helpers.ts';

/** A branch_variable node whose children play distinct media, so the branch taken is visible. */
function branchOn(data: Record<string, unknown>, keys: string[]): CallflowNode {
  const children: Record<string, CallflowNode> = { _: { module: 'noop', data: { branch: '_' }, children: { _: { module: 'hangup', data: {} } } } };
  for (const k of keys) children[k] = { module: 'noop', data: { branch: k }, children: { _: { module: 'hangup', data: {} } } };
  return { module: 'branch_variable', data, children };
}

describe('logic modules: variables, alert info, event records', function () {
  this.timeout(20_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  describe('set_variables', () => {
    it('sets CAVs on the call and its record, readable by a later module; not on the channel unless exported', async () => {
      const number = await h.callflow({
        module: 'set_variables',
        data: { custom_application_vars: { tier: 'gold', 'Account-Rank': 7, vip: true } },
        children: { _: { module: 'branch_variable', data: { variable: 'tier' }, children: { gold: holdCall, _: { module: 'hangup', data: {} } } } },
      });
      const caller = await h.call(number);
      await caller.waitUp();
      expect(await channelVar(h, caller, 'cav_tier')).to.equal(undefined);
      const rec = await finish(h, caller);
      expect(rec.cav).to.deep.equal({ tier: 'gold', 'Account-Rank': '7', vip: 'true' });
      expect(steps(rec).slice(0, 2)).to.deep.equal([
        ['set_variables', '_'],
        ['branch_variable', 'gold'],
      ]);
      expect(rec.attributes.export_variables).to.equal(undefined);
    });

    it('with export, also marks them for later legs (inherited channel variables)', async () => {
      const number = await h.callflow({
        module: 'set_variables',
        data: { custom_application_vars: { campaign: 'spring' }, export: true },
        children: { _: { module: 'set_variables', data: { custom_application_vars: { local: 'only' } }, children: { _: holdCall } } },
      });
      const caller = await h.call(number);
      await caller.waitUp();
      expect(await channelVar(h, caller, 'cav_campaign')).to.equal('spring');
      expect(await channelVar(h, caller, 'cav_local')).to.equal(undefined);
      expect(await legVars(h, caller, ['cav_campaign', 'cav_local'])).to.deep.equal({ cav_campaign: 'spring', cav_local: undefined });
      const rec = await finish(h, caller);
      expect(rec.cav).to.deep.equal({ campaign: 'spring', local: 'only' });
      expect(rec.attributes.export_variables).to.deep.equal({ cav_campaign: 'spring' });
    });

    it('ignores values that are not scalars and names a record cannot hold; no vars → `_`', async () => {
      const number = await h.callflow({
        module: 'set_variables',
        data: { custom_application_vars: { good: 'yes', nested: { a: 1 }, 'a.b': 'x', nothing: null } },
        children: { _: { module: 'set_variables', data: { custom_application_vars: 'not-an-object' }, children: { _: { module: 'set_variables', data: {}, children: { _: holdCall } } } } },
      });
      const caller = await h.call(number);
      await caller.waitUp();
      expect(await channelVar(h, caller, 'cav_nested')).to.equal(undefined);
      const rec = await finish(h, caller);
      expect(rec.cav).to.deep.equal({ good: 'yes' });
      expect(rec.trace[0].reason).to.match(/ignored .*nested/);
      expect(rec.trace[1].reason).to.equal('no custom_application_vars');
      expect(rec.trace[2].reason).to.equal('no custom_application_vars');
      expect(steps(rec).slice(0, 3).map(([, r]) => r)).to.deep.equal(['_', '_', '_']);
    });
  });

  describe('set_variable', () => {
    it('sets Call-Priority on this leg as a channel variable and a CCV branch_variable reads', async () => {
      const number = await h.callflow({
        module: 'set_variable',
        data: { variable: 'call_priority', value: '5' },
        children: { _: { module: 'branch_variable', data: { variable: 'Call-Priority' }, children: { '5': holdCall } } },
      });
      const caller = await h.call(number);
      await caller.waitUp();
      expect(await channelVar(h, caller, 'Call-Priority')).to.equal('5');
      expect(await legVars(h, caller, ['Call-Priority'])).to.deep.equal({ 'Call-Priority': undefined });
      const rec = await finish(h, caller);
      expect(steps(rec).slice(0, 2)).to.deep.equal([
        ['set_variable', '_'],
        ['branch_variable', '5'],
      ]);
      expect(rec.attributes.ccv).to.deep.equal({ 'Call-Priority': '5' });
      expect(rec.attributes.export_variables).to.equal(undefined);
    });

    it('channel both: Group-ID is exported to later legs', async () => {
      const number = await h.callflow({ module: 'set_variable', data: { variable: 'group_id', value: 'g1', channel: 'both' }, children: { _: holdCall } });
      const caller = await h.call(number);
      await caller.waitUp();
      expect(await channelVar(h, caller, 'Group-ID')).to.equal('g1');
      expect(await legVars(h, caller, ['Group-ID'])).to.deep.equal({ 'Group-ID': 'g1' });
      const rec = await finish(h, caller);
      expect(rec.attributes.export_variables).to.deep.equal({ 'Group-ID': 'g1' });
    });

    it('refuses names Kazoo does not honour and a missing value, and continues', async () => {
      const number = await h.callflow({
        module: 'set_variable',
        data: { variable: 'PJSIP_HEADER(add,X-Evil)', value: 'x' },
        children: { _: { module: 'set_variable', data: { variable: 'call_priority' }, children: { _: holdCall } } },
      });
      const caller = await h.call(number);
      await caller.waitUp();
      expect(await channelVar(h, caller, 'Call-Priority')).to.equal(undefined);
      const rec = await finish(h, caller);
      expect(steps(rec).slice(0, 2)).to.deep.equal([
        ['set_variable', '_'],
        ['set_variable', '_'],
      ]);
      expect(rec.trace[0].reason).to.match(/not one Kazoo sets/);
      expect(rec.trace[1].reason).to.equal('no value for call_priority');
      expect(rec.attributes.ccv).to.equal(undefined);
    });
  });

  describe('branch_variable', () => {
    it('reads a field of the account document by path', async () => {
      await h.db.collection('accounts').updateOne({ _id: h.accountId as never }, { $set: { custom: { plan: 'premium' } } });
      const number = await h.callflow(branchOn({ variable: ['custom', 'plan'], scope: 'account' }, ['premium', 'basic']));
      const caller = await h.call(number);
      await caller.waitEnded();
      const rec = await h.record(caller.peerId);
      expect(steps(rec)[0]).to.deep.equal(['branch_variable', 'premium']);
      expect(rec.trace[1].data).to.contain('premium');
    });

    it('falls back to `_` for an unset variable, a value without a child, and no variable', async () => {
      const unset = await h.callflow(branchOn({ variable: 'nothing_here' }, ['x']));
      const noChild = await h.callflow({
        module: 'set_variables',
        data: { custom_application_vars: { color: 'blue' } },
        children: { _: branchOn({ variable: 'color' }, ['red']) },
      });
      const none = await h.callflow(branchOn({}, ['x']));
      for (const [number, reason] of [
        [unset, /unset/],
        [noChild, /color=blue, no such child/],
        [none, /no variable/],
      ] as const) {
        const caller = await h.call(number);
        await caller.waitEnded();
        const rec = await h.record(caller.peerId);
        const step = rec.trace.find((s) => s.module === 'branch_variable')!;
        expect(step.result).to.equal('_');
        expect(step.reason).to.match(reason);
      }
    });

    it('reads the calling device and its owner on a call from a device; merged prefers the endpoint', async () => {
      const userId = await h.doc('users', { first_name: 'Dee', vip: 'yes', caller_id: { internal: { name: 'Dee' } } });
      await h.doc('devices', { name: 'desk', sip: { username: 'bv-desk-1' }, owner_id: userId, zone: 'north' });
      const device = await h.callflow(branchOn({ variable: 'zone', scope: 'device' }, ['north']));
      const user = await h.callflow(branchOn({ variable: 'vip', scope: 'user' }, ['yes']));
      const merged = await h.callflow({
        module: 'set_variables',
        data: { custom_application_vars: { vip: 'cav' } },
        children: { _: branchOn({ variable: 'vip', scope: 'merged' }, ['yes', 'cav']) },
      });
      const results: string[] = [];
      for (const number of [device, user, merged]) {
        const caller = await callPinned(h, number, { endpoint: 'bv-desk-1' });
        await caller.waitEnded();
        const rec = await h.record(caller.peerId);
        results.push(rec.trace.find((s) => s.module === 'branch_variable')!.result);
      }
      expect(results).to.deep.equal(['north', 'yes', 'yes']);
    });

    it('user/device scopes need a call from a device; merged then uses the call variables', async () => {
      const device = await h.callflow(branchOn({ variable: 'zone', scope: 'device' }, ['north']));
      const merged = await h.callflow({
        module: 'set_variables',
        data: { custom_application_vars: { vip: 'cav' } },
        children: { _: branchOn({ variable: 'vip', scope: 'merged' }, ['yes', 'cav']) },
      });
      let caller = await h.call(device);
      await caller.waitEnded();
      let rec = await h.record(caller.peerId);
      expect(steps(rec)[0]).to.deep.equal(['branch_variable', '_']);
      expect(rec.trace[0].reason).to.match(/needs a call from a device/);
      caller = await h.call(merged);
      await caller.waitEnded();
      rec = await h.record(caller.peerId);
      expect(steps(rec)[1]).to.deep.equal(['branch_variable', 'cav']);
    });
  });

  describe('set_alert_info', () => {
    it('keeps the Alert-Info for later legs (attributes and an inherited channel variable)', async () => {
      const number = await h.callflow({ module: 'set_alert_info', data: { alert_info: '<http://example.com/ring.wav>;info=alert-external' }, children: { _: holdCall } });
      const caller = await h.call(number);
      await caller.waitUp();
      expect(await channelVar(h, caller, 'ALERT_INFO')).to.equal('<http://example.com/ring.wav>;info=alert-external');
      expect(await legVars(h, caller, ['ALERT_INFO'])).to.deep.equal({ ALERT_INFO: '<http://example.com/ring.wav>;info=alert-external' });
      const rec = await finish(h, caller);
      expect(rec.attributes.alert_info).to.equal('<http://example.com/ring.wav>;info=alert-external');
    });

    it('continues without changing anything when alert_info is missing or blank', async () => {
      const number = await h.callflow({ module: 'set_alert_info', data: { alert_info: '  ' }, children: { _: { module: 'set_alert_info', data: {}, children: { _: holdCall } } } });
      const caller = await h.call(number);
      await caller.waitUp();
      expect(await channelVar(h, caller, 'ALERT_INFO')).to.equal(undefined);
      const rec = await finish(h, caller);
      expect(steps(rec).slice(0, 2)).to.deep.equal([
        ['set_alert_info', '_'],
        ['set_alert_info', '_'],
      ]);
      expect(rec.attributes.alert_info).to.equal(undefined);
    });
  });

  describe('edr', () => {
    it('adds an event record per node, with the call identifiers and the node data', async () => {
      const number = await h.callflow({
        module: 'edr',
        data: { event: 'entered', level: 2 },
        children: { _: { module: 'edr', data: {}, children: { _: { module: 'hangup', data: {} } } } },
      });
      const caller = await h.call(number, { callerId: '"Eve" <5550100>' });
      await caller.waitEnded();
      const rec = await h.record(caller.peerId);
      const edr = rec.attributes.edr as Record<string, unknown>[];
      expect(edr).to.have.length(2);
      expect(edr[0]).to.deep.include({ account_id: h.accountId, callflow_id: rec.callflow_id, call_id: caller.peerId, caller_id_number: '5550100', caller_id_name: 'Eve', callee_id_number: number });
      expect(edr[0].custom_data).to.deep.equal({ event: 'entered', level: 2 });
      expect(edr[1].custom_data).to.deep.equal({});
      expect(steps(rec).slice(0, 2)).to.deep.equal([
        ['edr', '_'],
        ['edr', '_'],
      ]);
    });
  });
});
