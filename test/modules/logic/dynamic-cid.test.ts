// dynamic_cid manual and static modes on real calls: digits entered by the caller become the caller ID.
import { expect } from 'chai';
import type { CallflowNode } from '../../../lib/engine/module.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { callPinned, channelVar, finish, holdCall, steps } from './helpers.ts';
import { loadConfig } from '../../../lib/config.ts';
import { toneFile } from '../../../lib/media/tones.ts';

/** Kazoo's accept tone, played as Asterisk's beep (lib/media/prompts.ts). */
// The accept tone is Kazoo's tone_stream, rendered to a file in the media folder.
const ACCEPT = toneFile(loadConfig().mediaDir, 'tone_stream://%(250,50,440)')!;

const dyn = (data: Record<string, unknown>): CallflowNode => ({ module: 'dynamic_cid', data, children: { _: holdCall } });

describe('logic modules: dynamic_cid (manual, static)', function () {
  this.timeout(20_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  const cidOf = async (caller: Awaited<ReturnType<EngineHarness['call']>>) => ({
    name: await channelVar(h, caller, 'CALLERID(name)'),
    number: await channelVar(h, caller, 'CALLERID(num)'),
  });

  describe('manual', () => {
    it('prompts, collects the new number (up to #), plays the accept tone and continues', async () => {
      const number = await h.callflow(dyn({ action: 'manual', media_id: 'silence/1', min_digits: 4, max_digits: 10 }));
      const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      await caller.waitPlayback('PlaybackStarted', 'sound:silence/1');
      await caller.sendDtmf('55501#');
      await caller.waitPlayback('PlaybackFinished', ACCEPT);
      expect(await cidOf(caller)).to.deep.equal({ name: 'Alice', number: '55501' });
      const rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['dynamic_cid', '_']);
      expect(rec.trace[0].reason).to.equal('caller id number 55501');
      expect((rec.attributes.caller_id as { dynamic: unknown }).dynamic).to.deep.equal({ number: '55501' });
    });

    it('stops collecting at max_digits', async () => {
      const number = await h.callflow(dyn({ media_id: 'silence/1', min_digits: 3, max_digits: 3 }));
      const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      await caller.sendDtmf('98765');
      await caller.waitPlayback('PlaybackFinished', ACCEPT);
      expect((await cidOf(caller)).number).to.equal('987');
      await finish(h, caller);
    });

    it('rejects an entry the whitelist or min_digits refuse and keeps the caller ID', async () => {
      const number = await h.callflow(dyn({ media_id: 'silence/1', min_digits: 4, max_digits: 10, whitelist_regex: '^9' }));
      const results: string[] = [];
      for (const digits of ['1234#', '98#']) {
        const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
        await caller.waitUp();
        await caller.sendDtmf(digits);
        await caller.waitPlayback('PlaybackFinished', 'sound:privacy-incorrect');
        expect(await cidOf(caller)).to.deep.equal({ name: 'Alice', number: '5551234' });
        const rec = await finish(h, caller);
        expect(rec.trace[0].result).to.equal('_');
        results.push(rec.trace[0].reason ?? '');
      }
      expect(results).to.deep.equal(['entry "1234" rejected, keeping 5551234', 'entry "98" rejected, keeping 5551234']);
    });

    it('keeps the caller ID when nothing is entered (collect timeout)', async function () {
      this.timeout(15_000);
      const number = await h.callflow(dyn({ media_id: 'silence/1' }));
      const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      await caller.waitPlayback('PlaybackFinished', 'sound:privacy-incorrect', 10_000);
      expect(await cidOf(caller)).to.deep.equal({ name: 'Alice', number: '5551234' });
      const rec = await finish(h, caller);
      expect(rec.trace[0].reason).to.equal('entry "" rejected, keeping 5551234');
    });

    it('ends cleanly when the caller hangs up while entering digits', async () => {
      const number = await h.callflow(dyn({ media_id: 'silence/1' }));
      const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      await caller.sendDtmf('55');
      await caller.hangup();
      const rec = await h.record(caller.peerId);
      expect(steps(rec)).to.deep.equal([['dynamic_cid', 'caller_hangup']]);
      expect(rec.end).to.equal('caller_hangup');
      expect(rec.caller_id_number).to.equal('5551234');
    });

    it('list modes without a capture group fall back to manual entry', async () => {
      const number = await h.callflow(dyn({ action: 'lists', id: 'whatever', media_id: 'silence/1', min_digits: 2 }));
      const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      await caller.sendDtmf('42#');
      await caller.waitPlayback('PlaybackFinished', ACCEPT);
      expect((await cidOf(caller)).number).to.equal('42');
      await finish(h, caller);
    });
  });

  describe('static', () => {
    it('sets the configured caller ID and leaves the rest of a feature code as the destination', async () => {
      await h.callflow(dyn({ action: 'static', caller_id: { name: 'Sales', number: '+15550000' } }), { patterns: ['^\\*69(\\d+)$'] });
      const caller = await callPinned(h, '*692001', { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cidOf(caller)).to.deep.equal({ name: 'Sales', number: '+15550000' });
      const rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['dynamic_cid', '_']);
      expect(rec.trace[0].reason).to.equal('caller id "Sales" <+15550000>; destination 2001');
      expect(rec.attributes.destination_number).to.equal('2001');
    });

    it('a missing number keeps the caller’s (with the reject prompt); a missing name keeps the name', async () => {
      const noNumber = await h.callflow(dyn({ action: 'static', caller_id: { name: 'Only Name' } }));
      let caller = await h.call(noNumber, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      await caller.waitPlayback('PlaybackStarted', 'sound:privacy-incorrect');
      expect(await cidOf(caller)).to.deep.equal({ name: 'Only Name', number: '5551234' });
      let rec = await finish(h, caller);
      expect(rec.attributes.destination_number).to.equal(undefined);

      const noName = await h.callflow(dyn({ action: 'static', caller_id: { number: '+15559999' } }));
      caller = await h.call(noName, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cidOf(caller)).to.deep.equal({ name: 'Alice', number: '+15559999' });
      rec = await finish(h, caller);
      expect(caller.events().some((e) => e.type === 'PlaybackStarted')).to.equal(false);
    });
  });
});
