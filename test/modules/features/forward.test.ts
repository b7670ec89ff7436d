// call_forward on real calls placed "by a device" (sim-device context): the capture group, the menu and
// hanging up in it, no calling device. The keypad actions are in forward-keypad.test.ts.
import { expect } from 'chai';
import { steps, until } from '../ringing/helpers.ts';
import { beep, callAs, docOf, phoneDevice, useHarness } from './helpers.ts';

describe('feature codes: call_forward', function () {
  this.timeout(30_000);
  const $ = useHarness();

  it('call_forward activate from the capture group; the next call to the user\'s phone rings the forward number', async () => {
    const { h } = $;
    const user = await h.doc('users', { first_name: 'Eff', call_forward: { require_keypress: false } });
    const desk = await phoneDevice(h, 'noanswer', { owner_id: user });
    // A short number: "now forwarded to" reads it out digit by digit.
    const target = await h.callflow({ module: 'play', data: { id: 'beep' }, children: { _: { module: 'sleep', data: { duration: 1 } } } }, { numbers: ['731'] });
    await h.callflow({ module: 'call_forward', data: { action: 'activate' } }, { patterns: ['^\\*72([0-9]*)$'] });
    const c1 = await callAs(h, desk.username, `*72${target}`);
    await c1.waitEnded(15_000);
    expect((await docOf(h, 'users', user)).call_forward).to.deep.equal({ require_keypress: false, enabled: true, number: target });
    // Substitute (Kazoo's default): only the forward leg rings, and it answers.
    const ring = await h.callflow({ module: 'device', data: { id: desk.id, timeout: 5 }, children: { _: beep } });
    const c2 = await h.call(ring);
    await c2.waitEnded(10_000);
    expect((await h.record(c2.peerId)).trace[0].reason).to.equal(`answered by ${desk.id}:forward`);
  });

  it('call_forward menu: 1 toggles; hanging up in the menu keeps the change; no calling device → stop', async () => {
    const { h } = $;
    const desk = await phoneDevice(h);
    await h.db.collection('devices').updateOne({ _id: desk.id as never }, { $set: { call_forward: { enabled: true, number: '2000' } } });
    const menu = await h.callflow({ module: 'call_forward', data: { action: 'menu' } });
    const [c1, c2] = await Promise.all([callAs(h, desk.username, menu), h.call(menu)]);
    await c1.waitUp();
    await c1.waitPlayback('PlaybackStarted', undefined, 5000);
    await c1.sendDtmf('1');
    await c1.waitPlayback('PlaybackFinished', 'sound:de-activated', 8000);
    await c1.hangup();
    await c1.waitEnded(5000);
    expect((await h.record(c1.peerId)).end).to.equal('caller_hangup');
    // Saved as the module unwinds from the hangup.
    await until('call_forward saved', async () => (await docOf(h, 'devices', desk.id)).call_forward?.enabled === false, 2000);
    expect((await docOf(h, 'devices', desk.id)).call_forward).to.deep.equal({ enabled: false, number: '2000' });

    await c2.waitEnded(8000);
    expect(steps(await h.record(c2.peerId))).to.deep.equal([['call_forward', 'stop']]);
  });
});
