// hotdesk (PIN, wrong id/PIN, logout, bridge), ring_group_toggle (the ring group skips a logged-out member on
// the very next call), manual_presence (ARI device state), transfer and after_bridge, on real calls.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { steps } from '../ringing/helpers.ts';
import { beep, callAs, docOf, nthPlayback, phoneDevice } from './helpers.ts';

const noop = { module: 'noop', data: {} };

describe('feature codes: hotdesk, ring_group_toggle, manual_presence, transfer, after_bridge', function () {
  this.timeout(40_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => {
    await h?.stop();
  });

  it('hotdesk login by hot-desk id + PIN, bridge rings the desk, logout; wrong id three times changes nothing', async () => {
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

    const c4 = await callAs(h, desk.username, login);
    await c4.waitUp();
    for (let i = 0; i < 3; i++) {
      await nthPlayback(c4, 'PlaybackStarted', 'sound:agent-user', i + 1);
      await c4.sendDtmf('9999#');
      await nthPlayback(c4, 'PlaybackFinished', 'sound:agent-incorrect', i + 1);
    }
    await c4.waitEnded(10_000);
    expect((await h.record(c4.peerId)).trace[0].reason).to.equal('no hot-desk user identified');
    expect((await docOf(h, 'devices', desk.id)).hotdesk).to.deep.equal({ users: {} });
  });

  it('hotdesk: a wrong PIN three times does not log in; an unknown user id → `_`', async () => {
    const user = await h.doc('users', { first_name: 'Pin', hotdesk: { id: '77', pin: '1234', require_pin: true } });
    const desk = await phoneDevice(h);
    const login = await h.callflow({ module: 'hotdesk', data: { action: 'toggle', id: user } });
    const c1 = await callAs(h, desk.username, login);
    await c1.waitUp();
    for (let i = 0; i < 3; i++) {
      await nthPlayback(c1, 'PlaybackStarted', 'sound:agent-pass', i + 1);
      await c1.sendDtmf('1111#');
      await nthPlayback(c1, 'PlaybackFinished', 'sound:agent-incorrect', i + 1);
    }
    await c1.waitEnded(10_000);
    expect((await h.record(c1.peerId)).trace[0].reason).to.equal('wrong hot-desk PIN');
    expect((await docOf(h, 'devices', desk.id)).hotdesk).to.equal(undefined);

    const missing = await h.callflow({ module: 'hotdesk', data: { action: 'login', id: 'nobody' }, children: { _: beep } });
    const c2 = await callAs(h, desk.username, missing);
    await c2.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    expect((await h.record(c2.peerId)).trace[0]).to.include({ result: '_', reason: 'user nobody not found' });
  });

  it('ring_group_toggle: logout takes the member out of the ring group at once; login brings it back; non-member → invalid', async () => {
    const user = await h.doc('users', { first_name: 'Ring' });
    const desk = await phoneDevice(h, 'answer-hangup', { owner_id: user });
    const groupId = 'a'.repeat(24) + Date.now().toString(16).slice(-8);
    const group = await h.callflow({ module: 'ring_group', data: { timeout: 5, endpoints: [{ id: user, endpoint_type: 'user' }] }, children: { _: beep } }, { id: groupId });
    const c0 = await h.call(group);
    await c0.waitEnded(10_000);
    expect((await h.record(c0.peerId)).trace[0].reason).to.equal(`answered by ${desk.id}`);

    const logout = await h.callflow({ module: 'ring_group_toggle', data: { action: 'logout', callflow_id: groupId } });
    const c1 = await callAs(h, desk.username, logout);
    await c1.waitEnded(10_000);
    expect((await docOf(h, 'callflows', groupId)).flow.data.endpoints[0].disable_until).to.equal(66269664000);
    const c2 = await h.call(group);
    await c2.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    expect(steps(await h.record(c2.peerId))[0]).to.deep.equal(['ring_group', '_']);

    const login = await h.callflow({ module: 'ring_group_toggle', data: { action: 'login', callflow_id: groupId } });
    const c3 = await callAs(h, desk.username, login);
    await c3.waitEnded(10_000);
    const c4 = await h.call(group);
    await c4.waitEnded(10_000);
    expect((await h.record(c4.peerId)).trace[0].reason).to.equal(`answered by ${desk.id}`);

    const stranger = await phoneDevice(h, 'answer', { owner_id: await h.doc('users', { first_name: 'Other' }) });
    const c5 = await callAs(h, stranger.username, logout);
    await c5.waitPlayback('PlaybackFinished', 'sound:pm-invalid-option', 8000);
    expect((await h.record(c5.peerId)).trace[0].reason).to.match(/is not a member/);
  });

  it('manual_presence publishes Custom:<presence_id>@<realm> as a device state and keeps it', async () => {
    await h.db.collection('accounts').updateOne({ _id: h.accountId as never }, { $set: { realm: 'sip.example.test' } });
    const tag = `night${Date.now() % 100000}`;
    const busy = await h.callflow({ module: 'manual_presence', data: { presence_id: tag, status: 'busy' } });
    const c1 = await h.call(busy);
    await c1.waitEnded(8000);
    const name = encodeURIComponent(`Custom:${tag}@sip.example.test`);
    expect((await h.driver.rest<{ state: string }>('GET', `/deviceStates/${name}`)).state).to.equal('INUSE');
    const idle = await h.callflow({ module: 'manual_presence', data: { presence_id: `${tag}@sip.example.test` } });
    const c2 = await h.call(idle);
    await c2.waitEnded(8000);
    expect((await h.driver.rest<{ state: string }>('GET', `/deviceStates/${name}`)).state).to.equal('NOT_INUSE');
    const kept = await h.db.collection('manual_presence').findOne({ _id: `${h.accountId}:${tag}@sip.example.test` as never });
    expect(kept).to.include({ status: 'idle' });
  });

  it('transfer: the call is routed to the target (or the capture group) like a new call; unknown target hangs up', async () => {
    const target = await h.callflow(beep);
    const byTarget = await h.callflow({ module: 'transfer', data: { target } });
    const c1 = await h.call(byTarget);
    await c1.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await c1.waitEnded(5000);
    const r1 = await h.record(c1.peerId);
    expect(steps(r1)).to.deep.equal([
      ['transfer', 'replace'],
      ['play', '_ (no child)'],
    ]);
    await h.callflow({ module: 'transfer', data: {} }, { patterns: ['^\\*88([0-9]+)$'] });
    const caller = await phoneDevice(h);
    const c2 = await callAs(h, caller.username, `*88${target}`);
    await c2.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    const nowhere = await h.callflow({ module: 'transfer', data: { target: '000999' } });
    const c3 = await h.call(nowhere);
    await c3.waitEnded(5000);
    const r3 = await h.record(c3.peerId);
    expect(r3.trace[0]).to.include({ result: 'hard_stop', reason: 'no callflow for 000999' });
    expect(r3.hangup_cause).to.equal('UNALLOCATED_NUMBER');
  });

  it('after_bridge: transfer routes the caller on when the callee hangs up; hangup=false continues to `_`; park holds', async () => {
    const callee = await phoneDevice(h, 'answer-hangup');
    const survey = await h.callflow(beep);
    const xfer = await h.callflow({ module: 'after_bridge', data: { action: 'transfer', data: survey }, children: { _: { module: 'device', data: { id: callee.id }, children: { _: noop } } } });
    const c1 = await h.call(xfer);
    await c1.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await c1.waitEnded(5000);
    const r1 = await h.record(c1.peerId);
    expect(steps(r1)).to.deep.equal([
      ['after_bridge', '_'],
      ['device', 'replace'],
      ['play', '_ (no child)'],
    ]);
    expect(r1.trace[1].reason).to.equal(`bridge ended; after_bridge transfer to ${survey}`);

    const goOn = await h.callflow({ module: 'after_bridge', data: { action: 'hangup', data: false }, children: { _: { module: 'device', data: { id: callee.id }, children: { _: beep } } } });
    const c2 = await h.call(goOn);
    await c2.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    expect(steps(await h.record(c2.peerId))[1]).to.deep.equal(['device', '_']);

    const park = await h.callflow({ module: 'after_bridge', data: { action: 'park', data: true }, children: { _: { module: 'device', data: { id: callee.id } } } });
    const c3 = await h.call(park);
    await c3.waitUp();
    await new Promise((r) => setTimeout(r, 3500));
    // The callee left; the caller is still there, held.
    expect(c3.events().some((e) => e.type === 'ChannelDestroyed')).to.equal(false);
    await c3.hangup();
    const r3 = await h.record(c3.peerId);
    expect(r3.end).to.equal('released');
    expect(r3.trace[1]).to.include({ result: 'release', reason: 'bridge ended; after_bridge park: caller held' });
  });
});
