// Feature codes that change a person's settings, on real calls placed "by a device" (sim-device context):
// do_not_disturb (honoured by the very next ringing call) and call_waiting, and their failure branches (no
// calling device). call_forward is in forward*.test.ts.
import { expect } from 'chai';
import { steps } from '../ringing/helpers.ts';
import { beep, callAs, docOf, phoneDevice, useHarness } from './helpers.ts';

describe('feature codes: do_not_disturb, call_waiting', function () {
  this.timeout(30_000);
  const $ = useHarness();

  it('do_not_disturb on the caller\'s user: the next call to their other phone takes `_`; deactivate rings again', async () => {
    const { h } = $;
    const user = await h.doc('users', { first_name: 'Dee', last_name: 'Nd' });
    const desk = await phoneDevice(h, 'answer', { owner_id: user });
    const other = await phoneDevice(h, 'answer-hangup', { owner_id: user });
    const on = await h.callflow({ module: 'do_not_disturb', data: { action: 'activate' } }, { patterns: ['^\\*78$'] });
    const off = await h.callflow({ module: 'do_not_disturb', data: { action: 'deactivate' } }, { patterns: ['^\\*79$'] });
    expect([on, off]).to.have.length(2);
    const ring = await h.callflow({ module: 'device', data: { id: other.id }, children: { _: beep } });

    const c1 = await callAs(h, desk.username, '*78');
    await c1.waitEnded(8000);
    const r1 = await h.record(c1.peerId);
    expect(r1.trace[0]).to.include({ module: 'do_not_disturb', result: '_ (no child)' });
    expect((await docOf(h, 'users', user)).do_not_disturb).to.deep.equal({ enabled: true });

    const c2 = await h.call(ring);
    await c2.waitEnded(8000);
    const r2 = await h.record(c2.peerId);
    expect(steps(r2)[0]).to.deep.equal(['device', '_']);
    expect(r2.trace[0].reason).to.equal(`device not rung: ${other.id} do_not_disturb`);

    const c3 = await callAs(h, desk.username, '*79');
    await c3.waitEnded(8000);
    expect((await docOf(h, 'users', user)).do_not_disturb).to.deep.equal({ enabled: false });
    const c4 = await h.call(ring);
    await c4.waitEnded(10_000);
    expect((await h.record(c4.peerId)).trace[0].reason).to.equal(`answered by ${other.id}`);
  });

  it('do_not_disturb toggle on a device without owner, and on data.id; no calling device → stop', async () => {
    const { h } = $;
    const desk = await phoneDevice(h);
    const toggle = await h.callflow({ module: 'do_not_disturb', data: { action: 'toggle' }, children: { _: beep } });
    const c1 = await callAs(h, desk.username, toggle);
    await c1.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await c1.waitEnded(5000);
    expect((await docOf(h, 'devices', desk.id)).do_not_disturb).to.deep.equal({ enabled: true });
    const c2 = await callAs(h, desk.username, toggle);
    await c2.waitEnded(8000);
    expect((await docOf(h, 'devices', desk.id)).do_not_disturb).to.deep.equal({ enabled: false });

    const named = await phoneDevice(h);
    const byId = await h.callflow({ module: 'do_not_disturb', data: { action: 'activate', id: named.id } });
    const c3 = await h.call(byId);
    await c3.waitEnded(8000);
    expect((await docOf(h, 'devices', named.id)).do_not_disturb).to.deep.equal({ enabled: true });

    // A carrier call (no calling device) has nobody to act on: the prompt, then stop (no `_`).
    const c4 = await h.call(toggle);
    await c4.waitEnded(8000);
    const r4 = await h.record(c4.peerId);
    expect(steps(r4)).to.deep.equal([['do_not_disturb', 'stop']]);
    expect(r4.trace[0].reason).to.equal('no user or device to act on');
  });

  it('call_waiting: toggle on the device (absent = on → off), activate on the user; no user → stop', async () => {
    const { h } = $;
    const user = await h.doc('users', { first_name: 'Cee', call_waiting: { enabled: false } });
    const desk = await phoneDevice(h, 'answer', { owner_id: user });
    const toggle = await h.callflow({ module: 'call_waiting', data: {} });
    const c1 = await callAs(h, desk.username, toggle);
    await c1.waitEnded(8000);
    expect((await docOf(h, 'devices', desk.id)).call_waiting).to.deep.equal({ enabled: false });
    const userOn = await h.callflow({ module: 'call_waiting', data: { action: 'activate', scope: 'user' } });
    const c2 = await callAs(h, desk.username, userOn);
    await c2.waitEnded(8000);
    expect((await docOf(h, 'users', user)).call_waiting).to.deep.equal({ enabled: true });

    const lonely = await phoneDevice(h);
    const c3 = await callAs(h, lonely.username, userOn);
    await c3.waitEnded(8000);
    expect(steps(await h.record(c3.peerId))).to.deep.equal([['call_waiting', 'stop']]);
  });
});
