// ring_group and group on real calls with simulated phones: simultaneous (first answer wins, the others
// stop at once), the group timeout, single (in turn, skipping a busy member), fail_on_single_reject,
// repeats, weighted_random, ringback media, members that are users, groups or switched off, the caller's
// own device left out, and the group module (answers first; legacy `endpoints` form).
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { callPinned } from '../logic/helpers.ts';
import { beep, channelIds, legsAlive, legsRung, logsOf, simDevice, steps, until } from './helpers.ts';

const noop = { module: 'noop', data: {} };

describe('ringing: ring_group and group (simulated phones)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  it('simultaneous: all ring, the first to answer is bridged and the others are hung up at once', async () => {
    const a = await simDevice(h, 'noanswer');
    const b = await simDevice(h, 'answer');
    const c = await simDevice(h, 'noanswer');
    const number = await h.callflow({ module: 'ring_group', data: { endpoints: [{ id: a }, { id: b }, { id: c }] }, children: { _: beep } });
    const caller = await h.call(number);
    await caller.waitUp(5000);
    const legs = legsRung(h, caller.peerId);
    expect(legs.map((l) => l.leg).sort()).to.deep.equal([a, b, c].sort());
    const answeredAt = Number(logsOf(h, caller.peerId, 'leg answered')[0].time);
    const losers = legs.filter((l) => l.leg !== b).flatMap((l) => [l.channel, `${l.channel};2`]);
    await until('the other legs gone', async () => {
      const live = await channelIds(h);
      return losers.every((id) => !live.has(id));
    }, 2000);
    expect(Date.now() - answeredAt).to.be.below(1000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'ring_group', reason: `answered by ${b}` });
    await until('no leg left', async () => (await legsAlive(h, caller.peerId)).length === 0, 2000);
  });

  it('simultaneous: nobody answers before the group timeout → `_`', async () => {
    const a = await simDevice(h, 'noanswer');
    const b = await simDevice(h, 'noanswer');
    const number = await h.callflow({ module: 'ring_group', data: { endpoints: [{ id: b, delay: 1 }, { id: a }], timeout: 2 }, children: { _: beep } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await caller.waitEnded();
    // The caller was told the call is ringing (its side went to the Ringing state) while the members rang.
    expect(caller.events().some((e) => e.type === 'ChannelStateChange' && e.channel?.id === caller.id && e.channel.state === 'Ringing')).to.equal(true);
    // Legs start in order of their delay, each after its own.
    const legs = legsRung(h, caller.peerId);
    expect(legs.map((l) => l.leg)).to.deep.equal([a, b]);
    expect(legs[1].at - legs[0].at).to.be.within(800, 1600);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['ring_group', '_'],
      ['play', '_ (no child)'],
    ]);
    expect(rec.trace[0].reason).to.equal('NO_ANSWER (sip:480)');
    expect(rec.trace[0].durationMs).to.be.within(1500, 5000);
    expect(await legsAlive(h, caller.peerId)).to.deep.equal([]);
  });

  it('single: members ring one at a time, each for its own timeout, a busy one skipped', async () => {
    const busy = await simDevice(h, 'busy');
    const quiet = await simDevice(h, 'noanswer');
    const answers = await simDevice(h, 'answer-now');
    const number = await h.callflow({
      module: 'ring_group',
      data: { strategy: 'single', timeout: 30, endpoints: [{ id: busy, timeout: 5 }, { id: quiet, timeout: 2 }, { id: answers, timeout: 5 }] },
    });
    const caller = await h.call(number);
    await caller.waitUp(8000);
    const legs = legsRung(h, caller.peerId);
    expect(legs.map((l) => l.leg)).to.deep.equal([busy, quiet, answers]);
    // The busy one is skipped at once; the quiet one rings its own 2 s.
    expect(legs[1].at - legs[0].at).to.be.below(1000);
    expect(legs[2].at - legs[1].at).to.be.within(1800, 3500);
    expect(logsOf(h, caller.peerId, 'leg failed').map((l) => [l.leg, l.cause])).to.deep.equal([
      [busy, 'USER_BUSY'],
      [quiet, 'NO_ANSWER'],
    ]);
    await caller.hangup();
    expect((await h.record(caller.peerId)).trace[0].reason).to.equal(`answered by ${answers}`);
  });

  it('fail_on_single_reject: the first busy member ends the attempt with its cause', async () => {
    const busy = await simDevice(h, 'busy');
    const quiet = await simDevice(h, 'noanswer');
    const number = await h.callflow({
      module: 'ring_group',
      data: { fail_on_single_reject: true, endpoints: [{ id: quiet }, { id: busy, delay: 1 }] },
      children: { USER_BUSY: beep, _: noop },
    });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ result: 'USER_BUSY', reason: 'USER_BUSY (sip:486)' });
    expect(rec.trace[0].durationMs).to.be.within(800, 3000);
    expect(await legsAlive(h, caller.peerId)).to.deep.equal([]);
  });

  it('repeats: the whole attempt runs again until a failure child applies or the repeats run out', async () => {
    const quiet = await simDevice(h, 'noanswer');
    const busy = await simDevice(h, 'busy');
    const again = await h.callflow({ module: 'ring_group', data: { repeats: 3, timeout: 1, endpoints: [{ id: quiet }] }, children: { _: beep } });
    const c1 = await h.call(again);
    await c1.waitEnded(10_000);
    const r1 = await h.record(c1.peerId);
    expect(r1.trace[0]).to.include({ result: '_', reason: 'NO_ANSWER (sip:480) after 3 attempts' });
    expect(legsRung(h, c1.peerId)).to.have.length(3);
    const handled = await h.callflow({ module: 'ring_group', data: { repeats: 3, endpoints: [{ id: busy }] }, children: { USER_BUSY: beep, _: noop } });
    const c2 = await h.call(handled);
    await c2.waitEnded(5000);
    expect((await h.record(c2.peerId)).trace[0].result).to.equal('USER_BUSY');
    expect(legsRung(h, c2.peerId)).to.have.length(1);
  });

  it('ringback: the group\'s media loops for the caller while members ring', async () => {
    const quiet = await simDevice(h, 'noanswer');
    const number = await h.callflow({ module: 'ring_group', data: { ringback: 'beep', timeout: 3, endpoints: [{ id: quiet }] }, children: { _: noop } });
    const caller = await h.call(number);
    await caller.waitEnded(8000);
    const played = caller.events().filter((e) => e.type === 'PlaybackStarted' && e.playback?.media_uri === 'sound:beep');
    expect(played.length).to.be.at.least(2);
    // Never answered: the caller was only given early media.
    expect(caller.events().some((e) => e.type === 'StasisStart' && e.channel?.id === caller.id)).to.equal(false);
  });

  it('members: users stand for their devices, groups for their members; switched-off members and the caller\'s device are left out', async () => {
    const user = await h.doc('users', { first_name: 'Gu', last_name: 'Ha' });
    const usersPhone = await simDevice(h, 'noanswer', { owner_id: user });
    const inGroup = await simDevice(h, 'noanswer');
    const group = await h.doc('groups', { name: 'sales', endpoints: { [inGroup]: { type: 'device' }, [user]: { type: 'user' } } });
    const toggledOff = await simDevice(h, 'answer-now');
    const callerName = `caller_${Date.now()}`;
    const callersOwn = await h.doc('devices', { name: 'desk', sip: { username: callerName, invite_format: 'route', route: 'Local/answer-now@sim' } });
    const number = await h.callflow({
      module: 'ring_group',
      data: {
        timeout: 1,
        endpoints: [
          { id: user, endpoint_type: 'user' },
          { id: group, endpoint_type: 'group', delay: 0 },
          { id: toggledOff, disable_until: 63_900_000_000 + 10 ** 9 },
          { id: callersOwn },
        ],
      },
      children: { _: noop },
    });
    const caller = await callPinned(h, number, { endpoint: callerName });
    await caller.waitEnded(5000);
    // The user's phone is reached twice with the same delay and timeout: it rings once.
    expect(legsRung(h, caller.peerId).map((l) => l.leg).sort()).to.deep.equal([usersPhone, inGroup].sort());
    expect((await h.record(caller.peerId)).trace[0].result).to.equal('_');
  });

  it('weighted_random: heavier members are tried first far more often', async () => {
    const heavy = await simDevice(h, 'answer-now');
    const light = await simDevice(h, 'answer-now');
    const number = await h.callflow({ module: 'ring_group', data: { strategy: 'weighted_random', endpoints: [{ id: light, weight: 1 }, { id: heavy, weight: 100 }] } });
    const winners: string[] = [];
    for (let i = 0; i < 10; i++) {
      const caller = await h.call(number);
      await caller.waitUp(5000);
      await caller.hangup();
      winners.push(String((await h.record(caller.peerId)).attributes.bridged_to));
    }
    expect(winners.filter((w) => w === heavy).length).to.be.at.least(8);
  });

  it('group: answers the caller before ringing the group document\'s members', async () => {
    const member = await simDevice(h, 'answer');
    const group = await h.doc('groups', { name: 'support', endpoints: { [member]: { type: 'device' } } });
    const number = await h.callflow({ module: 'group', data: { id: group } });
    const caller = await h.call(number);
    await caller.waitUp(5000);
    const upAt = Date.now();
    await until('the member answered', () => logsOf(h, caller.peerId, 'leg answered').length === 1);
    // The caller was up well before the member picked up (the simulated phone rings 1 s), hearing the
    // ring tone in-band meanwhile.
    expect(Number(logsOf(h, caller.peerId, 'leg answered')[0].time) - upAt).to.be.above(500);
    expect(caller.events().some((e) => e.type === 'PlaybackStarted' && e.playback?.media_uri === 'tone:ring')).to.equal(true);
    await caller.hangup();
    expect((await h.record(caller.peerId)).trace[0]).to.include({ module: 'group', reason: `answered by ${member}` });

    const missing = await h.callflow({ module: 'group', data: { id: 'd'.repeat(32) }, children: { _: beep } });
    const c2 = await h.call(missing);
    await c2.waitEnded(5000);
    expect((await h.record(c2.peerId)).trace[0]).to.include({ result: '_', reason: 'group not found' });
  });

  it('group: with `endpoints` (legacy, bare ids accepted) it is a ring group', async () => {
    const busy = await simDevice(h, 'busy');
    const number = await h.callflow({ module: 'group', data: { endpoints: [busy] }, children: { USER_BUSY: beep } });
    const caller = await h.call(number);
    await caller.waitEnded(5000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'group', result: 'USER_BUSY' });
    // A ring group does not answer first: busy reached the caller unanswered... until the child played.
    expect(legsRung(h, caller.peerId).map((l) => l.leg)).to.deep.equal([busy]);
  });
});
