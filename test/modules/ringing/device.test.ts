// device and user on real calls, ringing simulated phones (Local/<behaviour>@sim): answered → bridged,
// then stop; busy / no answer / unreachable → the cause child, `sip:<code>`, else `_`; devices that must
// not ring (do not disturb, disabled, the caller's own) never ring; a caller hanging up while legs ring
// leaves no channel behind.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { callPinned } from '../logic/helpers.ts';
import { beep, legsAlive, legsRung, simDevice, steps, until } from './helpers.ts';

describe('ringing: device and user modules (simulated phones)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  it('device: the answering phone is bridged with the caller; the flow stops when it hangs up', async () => {
    const id = await simDevice(h, 'answer-hangup');
    const number = await h.callflow({ module: 'device', data: { id }, children: { _: beep } });
    const caller = await h.call(number, { callerId: '"Outside" <5551234>' });
    await caller.waitUp();
    await caller.waitEnded(5000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['device', 'stop']]);
    expect(rec.trace[0].reason).to.equal(`answered by ${id}`);
    expect(rec.attributes).to.include({ call_bridged: true, bridged_to: id });
    expect(rec.end).to.equal('hangup');
    // Bridged about a second (answer-hangup hangs up 1 s after answering).
    expect(rec.trace[0].durationMs).to.be.within(800, 4000);
    expect(await legsAlive(h, caller.peerId)).to.deep.equal([]);
  });

  it('device: after a bridge inside a branched callflow, the parent\'s `_` runs (Kazoo stop semantics)', async () => {
    const id = await simDevice(h, 'answer-hangup');
    const inner = 'b'.repeat(32);
    await h.callflow({ module: 'device', data: { id } }, { id: inner });
    const number = await h.callflow({ module: 'callflow', data: { id: inner }, children: { _: beep } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['callflow', 'branch'],
      ['device', 'stop'],
      ['play', '_ (no child)'],
    ]);
  });

  it('device: busy takes USER_BUSY, else sip:486, else `_`', async () => {
    const id = await simDevice(h, 'busy');
    const cases: [Record<string, unknown>, string][] = [
      [{ USER_BUSY: beep, 'sip:486': { module: 'noop', data: {} }, _: { module: 'noop', data: {} } }, 'USER_BUSY'],
      [{ 'sip:486': beep, _: { module: 'noop', data: {} } }, 'sip:486'],
      [{ NO_ANSWER: { module: 'noop', data: {} }, _: beep }, '_'],
    ];
    for (const [children, taken] of cases) {
      const number = await h.callflow({ module: 'device', data: { id }, children: children as never });
      const caller = await h.call(number);
      await caller.waitEnded(5000);
      const rec = await h.record(caller.peerId);
      expect(rec.trace[0].result, taken).to.equal(taken);
      expect(rec.trace[0].reason).to.equal('USER_BUSY (sip:486)');
      expect(rec.trace[0].durationMs).to.be.below(2000);
      expect(rec.attributes.call_bridged).to.equal(undefined);
    }
  });

  it('device: nobody answers within the timeout → NO_ANSWER, else `_`; congestion → its cause', async () => {
    const quiet = await simDevice(h, 'noanswer');
    const withChild = await h.callflow({ module: 'device', data: { id: quiet, timeout: 2 }, children: { NO_ANSWER: beep, _: { module: 'noop', data: {} } } });
    const c1 = await h.call(withChild);
    await c1.waitEnded(8000);
    const r1 = await h.record(c1.peerId);
    expect(r1.trace[0]).to.include({ result: 'NO_ANSWER', reason: 'NO_ANSWER (sip:480)' });
    expect(r1.trace[0].durationMs).to.be.within(1500, 5000);
    expect(r1.trace[1]).to.include({ module: 'play' });

    const congested = await simDevice(h, 'congestion');
    const n2 = await h.callflow({ module: 'device', data: { id: congested }, children: { _: beep } });
    const c2 = await h.call(n2);
    await c2.waitEnded(5000);
    const r2 = await h.record(c2.peerId);
    expect(r2.trace[0]).to.include({ result: '_', reason: 'NORMAL_CIRCUIT_CONGESTION (sip:503)' });
  });

  it('device: an unregistered phone, do not disturb, a disabled or missing device → `_` at once, nothing rings', async () => {
    const unregistered = await h.doc('devices', { name: 'desk', sip: { username: `nobody_${Date.now()}`, password: 'x' } });
    const dnd = await simDevice(h, 'answer', { do_not_disturb: { enabled: true } });
    const userDnd = await h.doc('users', { first_name: 'Do', last_name: 'Not', do_not_disturb: { enabled: true } });
    const ownedDnd = await simDevice(h, 'answer', { owner_id: userDnd });
    const disabled = await simDevice(h, 'answer', { enabled: false });
    const cases: [string, string][] = [
      [unregistered, 'USER_NOT_REGISTERED'],
      [dnd, `device not rung: ${dnd} do_not_disturb`],
      [ownedDnd, `device not rung: ${ownedDnd} do_not_disturb`],
      [disabled, `device not rung: ${disabled} disabled`],
      ['f'.repeat(32), `device not rung: ${'f'.repeat(32)} not_found`],
    ];
    for (const [id, reason] of cases) {
      const number = await h.callflow({ module: 'device', data: { id }, children: { _: beep } });
      const caller = await h.call(number);
      await caller.waitEnded(5000);
      const rec = await h.record(caller.peerId);
      expect(steps(rec), id).to.deep.equal([
        ['device', '_'],
        ['play', '_ (no child)'],
      ]);
      expect(rec.trace[0].reason, id).to.equal(reason);
      expect(rec.trace[0].durationMs).to.be.below(1000);
      expect(legsRung(h, caller.peerId)).to.deep.equal([]);
    }
  });

  it('device: a phone never rings for a call it places itself, nor for its owner\'s other phones', async () => {
    const user = await h.doc('users', { first_name: 'Ann', last_name: 'Lee' });
    const deskName = `desk_${Date.now()}`;
    const desk = await h.doc('devices', { name: 'desk', owner_id: user, sip: { username: deskName } });
    const mobile = await simDevice(h, 'answer', { owner_id: user });
    const self = await h.callflow({ module: 'device', data: { id: desk }, children: { _: beep } });
    const c1 = await callPinned(h, self, { endpoint: deskName });
    await c1.waitEnded(5000);
    // Kazoo checks the owner first: a phone calling itself is its owner calling themselves.
    expect((await h.record(c1.peerId)).trace[0]).to.include({ result: '_', reason: `device not rung: ${desk} owner_called_self` });
    const own = await h.callflow({ module: 'device', data: { id: mobile }, children: { _: beep } });
    const c2 = await callPinned(h, own, { endpoint: deskName });
    await c2.waitEnded(5000);
    expect((await h.record(c2.peerId)).trace[0]).to.include({ result: '_', reason: `device not rung: ${mobile} owner_called_self` });
    const allowed = await h.callflow({ module: 'device', data: { id: mobile, can_call_self: true } });
    const c3 = await callPinned(h, allowed, { endpoint: deskName });
    await c3.waitUp(5000);
    await c3.hangup();
    expect((await h.record(c3.peerId)).trace[0].reason).to.equal(`answered by ${mobile}`);
  });

  it('caller hangs up while the phones ring: every leg is hung up at once, nothing is left', async () => {
    const baseline = h.app.ari.routeCount;
    const user = await h.doc('users', { first_name: 'Ring', last_name: 'Many' });
    const devices = [await simDevice(h, 'noanswer', { owner_id: user }), await simDevice(h, 'noanswer', { owner_id: user }), await simDevice(h, 'noanswer', { owner_id: user })];
    const number = await h.callflow({ module: 'user', data: { id: user, timeout: 20 }, children: { _: beep } });
    const caller = await h.call(number);
    await until('three legs ringing', () => legsRung(h, caller.peerId).length === 3);
    expect(legsRung(h, caller.peerId).map((l) => l.leg).sort()).to.deep.equal([...devices].sort());
    await until('the legs exist', async () => (await legsAlive(h, caller.peerId)).length === 6);
    const t0 = Date.now();
    await caller.hangup();
    await until('every leg channel gone', async () => (await legsAlive(h, caller.peerId)).length === 0, 3000);
    expect(Date.now() - t0).to.be.below(1500);
    const rec = await h.record(caller.peerId);
    expect(rec.end).to.equal('caller_hangup');
    expect(steps(rec)).to.deep.equal([['user', 'caller_hangup']]);
    await until('routes back to baseline', () => h.app.ari.routeCount === baseline, 3000);
  });

  it('user: rings every device the user owns or is hot-desked on, the first to answer wins', async () => {
    const user = await h.doc('users', { first_name: 'Bo', last_name: 'Ek' });
    const other = await h.doc('users', { first_name: 'Cy', last_name: 'Do' });
    const quiet = await simDevice(h, 'noanswer', { owner_id: user });
    const answers = await simDevice(h, 'answer', { owner_id: other, hotdesk: { users: { [user]: {} } } });
    // Hot-desked away from this user: no longer theirs.
    const away = await simDevice(h, 'answer-now', { owner_id: user, hotdesk: { users: { [other]: {} } } });
    const number = await h.callflow({ module: 'user', data: { id: user } });
    const caller = await h.call(number);
    await caller.waitUp(5000);
    const rung = legsRung(h, caller.peerId).map((l) => l.leg);
    expect(rung.sort()).to.deep.equal([quiet, answers].sort());
    expect(rung).to.not.include(away);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal(`answered by ${answers}`);
    expect(await legsAlive(h, caller.peerId)).to.deep.equal([]);
  });

  it('user: single strategy rings the devices one after another; a missing user or one without devices → `_`', async () => {
    const user = await h.doc('users', { first_name: 'Di', last_name: 'Fa' });
    // Devices ring in id order.
    const first = await h.doc('devices', { id: `a${Date.now()}`.padEnd(32, '0'), owner_id: user, sip: { invite_format: 'route', route: 'Local/busy@sim' } });
    const second = await h.doc('devices', { id: `b${Date.now()}`.padEnd(32, '0'), owner_id: user, sip: { invite_format: 'route', route: 'Local/answer-now@sim' } });
    const number = await h.callflow({ module: 'user', data: { id: user, strategy: 'single' } });
    const caller = await h.call(number);
    await caller.waitUp(5000);
    expect(legsRung(h, caller.peerId).map((l) => l.leg)).to.deep.equal([first, second]);
    await caller.hangup();
    expect((await h.record(caller.peerId)).trace[0].reason).to.equal(`answered by ${second}`);

    const lonely = await h.doc('users', { first_name: 'No', last_name: 'Phone' });
    for (const [id, reason] of [
      ['e'.repeat(32), 'user not found'],
      [lonely, 'user has no devices'],
    ]) {
      const n = await h.callflow({ module: 'user', data: { id }, children: { _: beep } });
      const c = await h.call(n);
      await c.waitEnded(5000);
      expect((await h.record(c.peerId)).trace[0]).to.include({ result: '_', reason });
    }
  });
});
