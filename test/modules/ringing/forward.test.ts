// Call forwarding on real calls: the forward leg loops back into ariflow through the `inbound` context and
// is routed like any call to the number; substitute replaces the phone, failover is used only when the
// phone cannot be reached, keep_caller_id decides the caller ID the forward shows, and require_keypress
// makes the answering party press 1 (else the attempt fails).
import { expect } from 'chai';
import type { CallRecord } from '../../../lib/engine/call-records.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { callPinned } from '../logic/helpers.ts';
import { beep, legsAlive, simDevice, until } from './helpers.ts';

describe('ringing: call forwarding (loop back into ariflow)', function () {
  this.timeout(40_000);
  let h: EngineHarness;
  /** A number whose callflow answers, beeps and hangs up. */
  let beeper: string;
  before(async () => {
    h = await EngineHarness.start();
    beeper = await h.callflow({ module: 'play', data: { id: 'beep' }, children: { _: { module: 'sleep', data: { duration: 1 } } } });
  });
  after(async () => h?.stop());

  const loopedCall = async (number: string): Promise<CallRecord> => {
    let rec: CallRecord | null = null;
    await until(`a call to ${number} recorded`, async () => {
      rec = await h.db.collection<CallRecord>('calls').findOne({ callee: number }, { sort: { started_at: -1 } });
      return rec !== null;
    }, 8000);
    return rec!;
  };

  it('substitute: the forward number rings instead of the phone, showing the caller\'s own caller ID', async () => {
    const phone = await simDevice(h, 'answer-now', { call_forward: { enabled: true, number: beeper, require_keypress: false } });
    const number = await h.callflow({ module: 'device', data: { id: phone } });
    const caller = await h.call(number, { callerId: '"Outside" <5551234>' });
    await caller.waitUp(5000);
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ result: 'stop', reason: `answered by ${phone}:forward` });
    const looped = await loopedCall(beeper);
    expect(looped).to.include({ caller_id_number: '5551234', caller_id_name: 'Outside' });
    expect(await legsAlive(h, caller.peerId)).to.deep.equal([]);
  });

  it('keep_caller_id false: a forward of an on-net call shows the calling endpoint\'s external caller ID', async () => {
    const target = await h.callflow({ module: 'play', data: { id: 'beep' } });
    const phone = await simDevice(h, 'noanswer', { call_forward: { enabled: true, number: target, require_keypress: false, keep_caller_id: false } });
    const deskName = `desk_${Date.now()}`;
    await h.doc('devices', { name: 'desk', sip: { username: deskName }, caller_id: { internal: { number: '2001', name: 'Desk' }, external: { number: '+15557000', name: 'ACME' } } });
    const number = await h.callflow({ module: 'device', data: { id: phone } });
    const caller = await callPinned(h, number, { endpoint: deskName });
    await caller.waitEnded(8000);
    const looped = await loopedCall(target);
    expect(looped).to.include({ caller_id_number: '+15557000', caller_id_name: 'ACME' });
  });

  it('failover: an unreachable phone is replaced by its forward number', async () => {
    const phone = await h.doc('devices', {
      name: 'offline',
      sip: { username: `offline_${Date.now()}` },
      call_forward: { enabled: false, failover: true, number: beeper, require_keypress: false },
    });
    const number = await h.callflow({ module: 'device', data: { id: phone } });
    const caller = await h.call(number);
    await caller.waitUp(5000);
    await caller.waitEnded(8000);
    expect((await h.record(caller.peerId)).trace[0].reason).to.equal(`answered by ${phone}:failover`);
  });

  it('require_keypress: bridged once the answering party presses 1; no key → the attempt fails', async () => {
    const presses = await h.callflow({
      module: 'answer',
      data: {},
      children: { _: { module: 'sleep', data: { duration: 1 }, children: { _: { module: 'send_dtmf', data: { digits: '1' }, children: { _: { module: 'wait_for_hangup', data: {} } } } } } },
    });
    const phone = await simDevice(h, 'noanswer', { call_forward: { enabled: true, number: presses } });
    const number = await h.callflow({ module: 'device', data: { id: phone } });
    const caller = await h.call(number);
    await caller.waitUp(8000);
    await caller.hangup();
    expect((await h.record(caller.peerId)).trace[0].reason).to.equal(`answered by ${phone}:forward`);

    const silent = await h.callflow({ module: 'answer', data: {}, children: { _: { module: 'wait_for_hangup', data: {} } } });
    const phone2 = await simDevice(h, 'noanswer', { call_forward: { enabled: true, number: silent, substitute: false } });
    const n2 = await h.callflow({ module: 'device', data: { id: phone2, timeout: 30 }, children: { NO_ANSWER: beep } });
    const c2 = await h.call(n2);
    await c2.waitEnded(20_000);
    const rec = await h.record(c2.peerId);
    // The forward's "no key" fails the whole attempt, though the phone itself still rang.
    expect(rec.trace[0]).to.include({ result: 'NO_ANSWER' });
    expect(rec.trace[0].durationMs).to.be.within(9000, 16_000);
    expect(await legsAlive(h, c2.peerId)).to.deep.equal([]);
  });
});
