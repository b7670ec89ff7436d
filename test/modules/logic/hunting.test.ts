// branch_bnumber and privacy's feature-code form on real calls: capture groups select children or are
// hunted as new callflow lookups.
import { expect } from 'chai';
import type { CallflowNode } from '../../../lib/engine/module.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { callPinned, channelVar, finish, holdCall, steps } from './helpers.ts';

const hangup: CallflowNode = { module: 'hangup', data: {} };
const mark = (label: string, next: CallflowNode = hangup): CallflowNode => ({ module: 'noop', data: { label }, children: { _: next } });

describe('logic modules: branch_bnumber and privacy hunting', function () {
  this.timeout(20_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
    // Hunt targets: an exact extension, and a pattern whose capture the hunted flow branches on.
    await h.callflow(mark('ext 3001', holdCall), { numbers: ['3001'] });
    await h.callflow({ module: 'branch_bnumber', data: {}, children: { '4001': mark('pattern 4001', holdCall), _: hangup } }, { patterns: ['^(4\\d{3})$'] });
  });
  after(async () => h?.stop());

  describe('branch_bnumber without hunt', () => {
    it('takes the child named by the (normalised) capture group, else `_`', async () => {
      await h.callflow(
        { module: 'branch_bnumber', data: {}, children: { '1001': mark('1001'), '+14155550100': mark('e164'), _: mark('default') } },
        { patterns: ['^\\*55(\\d+)$'] },
      );
      const results: [string, string][] = [];
      for (const dial of ['*551001', '*554155550100', '*559999']) {
        const caller = await callPinned(h, dial);
        await caller.waitEnded();
        const rec = await h.record(caller.peerId);
        results.push([rec.trace[0].result, JSON.parse(rec.trace[1].data).label]);
      }
      expect(results).to.deep.equal([
        ['1001', '1001'],
        ['+14155550100', 'e164'],
        ['_', 'default'],
      ]);
    });

    it('continues to `_` when the call has no capture group', async () => {
      const number = await h.callflow({ module: 'branch_bnumber', data: {}, children: { _: mark('default') } });
      const caller = await h.call(number);
      await caller.waitEnded();
      const rec = await h.record(caller.peerId);
      expect(steps(rec)[0]).to.deep.equal(['branch_bnumber', '_']);
      expect(rec.trace[0].reason).to.equal('no capture group');
    });
  });

  describe('branch_bnumber hunt', () => {
    before(async () => {
      await h.callflow(
        { module: 'branch_bnumber', data: { hunt: true, hunt_deny: '^39' }, children: { _: mark('after hunt') } },
        { patterns: ['^\\*56(\\d+)$'] },
      );
    });

    it('branches into the callflow owning the number', async () => {
      const caller = await callPinned(h, '*563001');
      await caller.waitUp();
      const rec = await finish(h, caller);
      expect(steps(rec).slice(0, 2)).to.deep.equal([
        ['branch_bnumber', 'branch'],
        ['noop', '_'],
      ]);
      expect(rec.trace[1].data).to.contain('ext 3001');
      expect(rec.trace[0].reason).to.match(/callflow .* \(number\)/);
    });

    it('a hunted pattern callflow sees its own capture group', async () => {
      const caller = await callPinned(h, '*564001');
      await caller.waitUp();
      const rec = await finish(h, caller);
      expect(steps(rec).slice(0, 3)).to.deep.equal([
        ['branch_bnumber', 'branch'],
        ['branch_bnumber', '4001'],
        ['noop', '_'],
      ]);
    });

    it('continues to `_` when the number is denied, unknown, or only no_match for a carrier call', async () => {
      await h.callflow(mark('outbound', holdCall), { numbers: ['no_match'] });
      const reasons: string[] = [];
      for (const dial of ['*563999', '*565555', '*5614155550100']) {
        const caller = await callPinned(h, dial);
        await caller.waitEnded();
        const rec = await h.record(caller.peerId);
        expect(steps(rec).slice(0, 2)).to.deep.equal([
          ['branch_bnumber', '_'],
          ['noop', '_'],
        ]);
        expect(rec.trace[1].data).to.contain('after hunt');
        reasons.push(rec.trace[0].reason ?? '');
      }
      expect(reasons).to.deep.equal(['hunting 3999 not allowed', 'no callflow for 5555', 'no callflow for +14155550100']);
    });

    it('a call from a device may hunt into no_match', async () => {
      await h.doc('devices', { name: 'hunter', sip: { username: 'hunt-phone-1' } });
      const caller = await callPinned(h, '*5614155550100', { endpoint: 'hunt-phone-1' });
      await caller.waitUp();
      const rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['branch_bnumber', 'branch']);
      expect(rec.trace[0].reason).to.match(/\(no_match\)/);
      expect(rec.trace[1].data).to.contain('outbound');
    });

    it('hunt_allow limits what may be hunted; an invalid allow regex hunts nothing', async () => {
      await h.callflow({ module: 'branch_bnumber', data: { hunt: true, hunt_allow: '^3' }, children: { _: mark('refused') } }, { patterns: ['^\\*57(\\d+)$'] });
      await h.callflow({ module: 'branch_bnumber', data: { hunt: true, hunt_allow: '(bad' }, children: { _: mark('refused') } }, { patterns: ['^\\*58(\\d+)$'] });
      const results: string[] = [];
      for (const dial of ['*573001', '*574001', '*583001']) {
        const caller = await callPinned(h, dial);
        // A hunted extension answers and holds the call; a refused hunt ends it unanswered.
        await Promise.race([caller.waitUp(), caller.waitEnded()]);
        await caller.hangup();
        results.push((await h.record(caller.peerId)).trace[0].result);
      }
      expect(results).to.deep.equal(['branch', '_', '_']);
    });
  });

  describe('privacy as a feature code', () => {
    before(async () => {
      await h.callflow({ module: 'privacy', data: { mode: 'full' } }, { patterns: ['^\\*67(\\d+)$'] });
    });

    it('hides the caller ID and branches to the dialled number', async () => {
      const caller = await callPinned(h, '*673001', { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await channelVar(h, caller, 'CALLERID(num)')).to.equal('0000000000');
      expect(await channelVar(h, caller, 'CALLERID(name)')).to.equal('anonymous');
      const rec = await finish(h, caller);
      expect(steps(rec).slice(0, 2)).to.deep.equal([
        ['privacy', 'branch'],
        ['noop', '_'],
      ]);
      expect(rec.trace[1].data).to.contain('ext 3001');
      expect(rec.attributes.destination_number).to.equal('3001');
    });

    it('stops (hangs up) when nothing answers for the number, without hiding anything', async () => {
      const caller = await callPinned(h, '*675555', { callerId: '"Alice" <5551234>' });
      await caller.waitEnded();
      const rec = await h.record(caller.peerId);
      expect(steps(rec)).to.deep.equal([['privacy', 'stop']]);
      expect(rec.trace[0].reason).to.equal('no callflow for 5555');
      expect(rec.caller_id_number).to.equal('5551234');
      expect(rec.end).to.equal('hangup');
    });
  });
});
