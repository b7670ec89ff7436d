// Feature codes that change a person's settings, on real calls placed "by a device" (sim-device context):
// call_forward: capture group, keypad, too-short numbers, toggle, the menu and hanging up in it.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { steps } from '../ringing/helpers.ts';
import { beep, callAs, docOf, nthPlayback, phoneDevice } from './helpers.ts';

describe('feature codes: call_forward', function () {
  this.timeout(40_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => {
    await h?.stop();
  });

  it('call_forward activate from the capture group; the next call to the user\'s phone rings the forward number', async () => {
    const user = await h.doc('users', { first_name: 'Eff', call_forward: { require_keypress: false } });
    const desk = await phoneDevice(h, 'noanswer', { owner_id: user });
    const target = await h.callflow({ module: 'play', data: { id: 'beep' }, children: { _: { module: 'sleep', data: { duration: 1 } } } });
    await h.callflow({ module: 'call_forward', data: { action: 'activate' } }, { patterns: ['^\\*72([0-9]*)$'] });
    const c1 = await callAs(h, desk.username, `*72${target}`);
    // "Call forwarding unconditional" and the number read out digit by digit take a while.
    await c1.waitEnded(20_000);
    expect((await docOf(h, 'users', user)).call_forward).to.deep.equal({ require_keypress: false, enabled: true, number: target });
    // Substitute (Kazoo's default): only the forward leg rings, and it answers.
    const ring = await h.callflow({ module: 'device', data: { id: desk.id, timeout: 5 }, children: { _: beep } });
    const c2 = await h.call(ring);
    await c2.waitEnded(10_000);
    expect((await h.record(c2.peerId)).trace[0].reason).to.equal(`answered by ${desk.id}:forward`);
  });

  it('call_forward activate by keypad; too short three times saves nothing; deactivate; toggle back on', async () => {
    const user = await h.doc('users', { first_name: 'Kay', call_forward: { require_keypress: false } });
    const desk = await phoneDevice(h, 'answer', { owner_id: user });
    const activate = await h.callflow({ module: 'call_forward', data: { action: 'activate' } });
    const c1 = await callAs(h, desk.username, activate);
    await c1.waitUp();
    await c1.waitPlayback('PlaybackStarted', undefined, 5000);
    await c1.sendDtmf('5551234#');
    await c1.waitEnded(15_000);
    expect((await docOf(h, 'users', user)).call_forward).to.deep.equal({ require_keypress: false, enabled: true, number: '5551234' });

    const deactivate = await h.callflow({ module: 'call_forward', data: { action: 'deactivate' } });
    const c2 = await callAs(h, desk.username, deactivate);
    await c2.waitEnded(8000);
    expect((await docOf(h, 'users', user)).call_forward).to.include({ enabled: false, number: '5551234' });

    // Two digits are too few (3 at least), three times: nothing changes.
    const update = await h.callflow({ module: 'call_forward', data: { action: 'update' } });
    const c3 = await callAs(h, desk.username, update);
    await c3.waitUp();
    for (let i = 0; i < 3; i++) {
      await nthPlayback(c3, 'PlaybackStarted', 'sound:vm-enter-num-to-call', i + 1);
      await c3.sendDtmf('12#');
    }
    await c3.waitEnded(15_000);
    expect((await h.record(c3.peerId)).trace[0].reason).to.equal('call forward unchanged');
    expect((await docOf(h, 'users', user)).call_forward).to.include({ enabled: false, number: '5551234' });

    // Toggle with a stored number switches it on again without asking.
    const toggle = await h.callflow({ module: 'call_forward', data: { action: 'toggle' } });
    const c4 = await callAs(h, desk.username, toggle);
    await c4.waitEnded(10_000);
    expect((await docOf(h, 'users', user)).call_forward).to.include({ enabled: true, number: '5551234' });
  });

  it('call_forward menu: 1 toggles; hanging up in the menu keeps the change; no calling device → stop', async () => {
    const desk = await phoneDevice(h);
    await h.db.collection('devices').updateOne({ _id: desk.id as never }, { $set: { call_forward: { enabled: true, number: '2000' } } });
    const menu = await h.callflow({ module: 'call_forward', data: { action: 'menu' } });
    const c1 = await callAs(h, desk.username, menu);
    await c1.waitUp();
    await c1.waitPlayback('PlaybackStarted', undefined, 5000);
    await c1.sendDtmf('1');
    await c1.waitPlayback('PlaybackFinished', 'sound:de-activated', 8000);
    await c1.hangup();
    await c1.waitEnded(5000);
    const rec = await h.record(c1.peerId);
    expect(rec.end).to.equal('caller_hangup');
    await new Promise((r) => setTimeout(r, 200));
    expect((await docOf(h, 'devices', desk.id)).call_forward).to.deep.equal({ enabled: false, number: '2000' });

    const c2 = await h.call(menu);
    await c2.waitEnded(8000);
    expect(steps(await h.record(c2.peerId))).to.deep.equal([['call_forward', 'stop']]);
  });
});
