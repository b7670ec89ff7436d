// hotdesk on real calls placed "by a device": login by hot-desk id + PIN, bridge rings the desk, logout, a
// missing user. The three-times-wrong branches (long Kazoo prompts) are in hotdesk-retries.test.ts.
import { expect } from 'chai';
import { steps } from '../ringing/helpers.ts';
import { beep, callAs, docOf, phoneDevice, useHarness } from './helpers.ts';

describe('feature codes: hotdesk', function () {
  this.timeout(30_000);
  const $ = useHarness();

  it('hotdesk login by hot-desk id + PIN, bridge rings the desk, logout', async () => {
    const { h } = $;
    const user = await h.doc('users', { first_name: 'Hot', hotdesk: { enabled: true, id: '4321', pin: '0000', require_pin: true } });
    const desk = await phoneDevice(h, 'answer-hangup');
    const login = await h.callflow({ module: 'hotdesk', data: { action: 'login' } });
    const c1 = await callAs(h, desk.username, login);
    await c1.waitUp();
    await c1.waitPlayback('PlaybackStarted', 'sound:agent-user', 5000);
    await c1.sendDtmf('4321#');
    await c1.waitPlayback('PlaybackStarted', 'sound:agent-pass', 5000);
    await c1.sendDtmf('0000#');
    await c1.waitEnded(10_000);
    expect((await docOf(h, 'devices', desk.id)).hotdesk).to.deep.equal({ users: { [user]: {} } });

    const bridge = await h.callflow({ module: 'hotdesk', data: { action: 'bridge', id: user }, children: { _: beep } });
    const c2 = await h.call(bridge);
    await c2.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    const r2 = await h.record(c2.peerId);
    expect(steps(r2)[0]).to.deep.equal(['hotdesk', '_']);
    expect(r2.trace[0].reason).to.equal(`answered by ${desk.id}`);

    const logout = await h.callflow({ module: 'hotdesk', data: { action: 'logout' } });
    const c3 = await callAs(h, desk.username, logout);
    await c3.waitEnded(10_000);
    expect((await docOf(h, 'devices', desk.id)).hotdesk).to.deep.equal({ users: {} });
  });

  it('hotdesk: an unknown user id → `_`', async () => {
    const { h } = $;
    const desk = await phoneDevice(h);
    const missing = await h.callflow({ module: 'hotdesk', data: { action: 'login', id: 'nobody' }, children: { _: beep } });
    const c2 = await callAs(h, desk.username, missing);
    await c2.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    expect((await h.record(c2.peerId)).trace[0]).to.include({ result: '_', reason: 'user nobody not found' });
    expect((await docOf(h, 'devices', desk.id)).hotdesk).to.equal(undefined);
  });
});
