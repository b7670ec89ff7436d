// ring_group_toggle (the ring group skips a logged-out member on the very next call), manual_presence (ARI
// device state), transfer and after_bridge, on real calls. hotdesk is in hotdesk*.test.ts.
import { expect } from 'chai';
import { steps } from '../ringing/helpers.ts';
import { beep, callAs, docOf, phoneDevice, useHarness } from './helpers.ts';

const noop = { module: 'noop', data: {} };

describe('feature codes: ring_group_toggle, manual_presence, transfer, after_bridge', function () {
  this.timeout(30_000);
  const $ = useHarness();

  it('ring_group_toggle: logout takes the member out of the ring group at once; login brings it back; non-member → invalid', async () => {
    const { h } = $;
    const user = await h.doc('users', { first_name: 'Ring' });
    const desk = await phoneDevice(h, 'answer-hangup', { owner_id: user });
    const groupId = 'a'.repeat(24) + Date.now().toString(16).slice(-8);
    const group = await h.callflow({ module: 'ring_group', data: { timeout: 5, endpoints: [{ id: user, endpoint_type: 'user' }] }, children: { _: beep } }, { id: groupId });
    const logout = await h.callflow({ module: 'ring_group_toggle', data: { action: 'logout', callflow_id: groupId } });

    // Someone who is not a member gets "invalid option" and changes nothing (a call of its own, meanwhile).
    const stranger = (async () => {
      const other = await phoneDevice(h, 'answer', { owner_id: await h.doc('users', { first_name: 'Other' }) });
      const c5 = await callAs(h, other.username, logout);
      await c5.waitPlayback('PlaybackFinished', 'sound:pm-invalid-option', 8000);
      expect((await h.record(c5.peerId)).trace[0].reason).to.match(/is not a member/);
    })();
    stranger.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled

    const c0 = await h.call(group);
    await c0.waitEnded(10_000);
    expect((await h.record(c0.peerId)).trace[0].reason).to.equal(`answered by ${desk.id}`);

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
    await stranger;
  });

  it('manual_presence publishes Custom:<presence_id>@<realm> as a device state and keeps it', async () => {
    const { h } = $;
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

  it('transfer: the call is routed to the target (or the capture group) like a new call; attended/bleg are blind; unknown target hangs up', async () => {
    const { h } = $;
    const target = await h.callflow(beep);
    await h.callflow({ module: 'transfer', data: {} }, { patterns: ['^\\*88([0-9]+)$'] });
    const byTarget = await h.callflow({ module: 'transfer', data: { target } });
    const attended = await h.callflow({ module: 'transfer', data: { target, transfer_type: 'attended', leg: 'bleg' } });
    const nowhere = await h.callflow({ module: 'transfer', data: { target: '000999' } });
    const caller = await phoneDevice(h);
    const [c1, c2, c3, c4] = await Promise.all([h.call(byTarget), callAs(h, caller.username, `*88${target}`), h.call(nowhere), h.call(attended)]);
    await Promise.all([c1, c2, c4].map((c) => c.waitPlayback('PlaybackFinished', 'sound:beep', 8000)));
    await Promise.all([c1, c3, c4].map((c) => c.waitEnded(5000)));

    const r1 = await h.record(c1.peerId);
    expect(steps(r1)).to.deep.equal([
      ['transfer', 'replace'],
      ['play', '_ (no child)'],
    ]);
    expect(r1.trace[0].reason).to.equal(`transferred to ${target} (number)`);
    expect((await h.record(c2.peerId)).trace[0].reason).to.equal(`transferred to ${target} (number)`);
    const r3 = await h.record(c3.peerId);
    expect(r3.trace[0]).to.include({ result: 'hard_stop', reason: 'no callflow for 000999' });
    expect(r3.hangup_cause).to.equal('UNALLOCATED_NUMBER');
    const r4 = await h.record(c4.peerId);
    expect(steps(r4)).to.deep.equal(steps(r1));
    expect(r4.trace[0].reason).to.equal(`transferred to ${target} (number); attended transfer of bleg done as a blind transfer of this call`);
  });

  it('after_bridge: transfer routes the caller on when the callee hangs up; hangup=false continues to `_`; park holds', async () => {
    const { h } = $;
    const callee = await phoneDevice(h, 'answer-hangup');
    const survey = await h.callflow(beep);
    const xfer = await h.callflow({ module: 'after_bridge', data: { action: 'transfer', data: survey }, children: { _: { module: 'device', data: { id: callee.id }, children: { _: noop } } } });
    const goOn = await h.callflow({ module: 'after_bridge', data: { action: 'hangup', data: false }, children: { _: { module: 'device', data: { id: callee.id }, children: { _: beep } } } });
    const park = await h.callflow({ module: 'after_bridge', data: { action: 'park', data: true }, children: { _: { module: 'device', data: { id: callee.id } } } });
    const [c1, c2, c3] = await Promise.all([h.call(xfer), h.call(goOn), h.call(park)]);

    const transferred = (async () => {
      await c1.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
      await c1.waitEnded(5000);
      const r1 = await h.record(c1.peerId);
      expect(steps(r1)).to.deep.equal([
        ['after_bridge', '_'],
        ['device', 'replace'],
        ['play', '_ (no child)'],
      ]);
      expect(r1.trace[1].reason).to.equal(`bridge ended; after_bridge transfer to ${survey}`);
    })();
    const continued = (async () => {
      await c2.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
      expect(steps(await h.record(c2.peerId))[1]).to.deep.equal(['device', '_']);
    })();
    const parked = (async () => {
      await c3.waitUp();
      // The callee answers after ~0 s and hangs up 1 s later: by then the caller is held, not hung up.
      await new Promise((r) => setTimeout(r, 3500));
      expect(c3.events().some((e) => e.type === 'ChannelDestroyed')).to.equal(false);
      await c3.hangup();
      const r3 = await h.record(c3.peerId);
      expect(r3.end).to.equal('released');
      expect(r3.trace[1]).to.include({ result: 'release', reason: 'bridge ended; after_bridge park: caller held' });
    })();
    await Promise.all([transferred, continued, parked]);
  });
});
