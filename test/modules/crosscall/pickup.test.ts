// group_pickup, group_pickup_feature, intercept, intercept_feature and move on real calls: a caller rings a
// simulated phone that never answers (or one that answers and echoes) and a second call, placed "by a
// device", takes that call over; refusals and "nothing to take" play Kazoo's prompts and stop.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { legsAlive, legsRung, steps, until } from '../ringing/helpers.ts';
import { callFrom, phone, together } from './helpers.ts';

describe('cross-call: pickup, intercept, move (real calls)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  /** A caller ringing `deviceId` (through a device node), once its leg rings. */
  async function ringing(deviceId: string) {
    const number = await h.callflow({ module: 'device', data: { id: deviceId, timeout: 20 } });
    const caller = await h.call(number, { callerId: '"Outside" <5551234>' });
    await until('the leg rings', () => legsRung(h, caller.peerId).length > 0);
    return caller;
  }

  it('group_pickup by device: the picker is bridged with the caller and the phone stops ringing', async () => {
    const ringer = await phone(h, 'noanswer');
    const picker = await phone(h, 'answer');
    const caller = await ringing(ringer.id);
    const code = await h.callflow({ module: 'group_pickup', data: { device_id: ringer.id } });
    const pick = await callFrom(h, picker, code);
    await pick.waitUp();
    await caller.waitUp();
    await until('caller and picker bridged', () => together(h, caller.peerId, pick.peerId));
    await until('the ringing leg stopped', async () => (await legsAlive(h, caller.peerId)).length === 0, 2000);
    await pick.hangup();
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['device', 'stop']]);
    const prec = await h.record(pick.peerId);
    expect(steps(prec)).to.deep.equal([['group_pickup', 'stop']]);
    expect(prec.trace[0].reason).to.match(new RegExp(`^picked up call ${caller.peerId}`));
  });

  it('group_pickup by user and by group (users expand to their devices)', async () => {
    const user = await h.doc('users', { first_name: 'Ann', last_name: 'Pick' });
    const ringer = await phone(h, 'noanswer', { owner_id: user });
    const group = await h.doc('groups', { name: 'sales', endpoints: { [user]: { type: 'user' } } });
    const picker = await phone(h, 'answer');
    for (const data of [{ user_id: user }, { group_id: group }]) {
      const caller = await ringing(ringer.id);
      const pick = await callFrom(h, picker, await h.callflow({ module: 'group_pickup', data }));
      await until('bridged', () => together(h, caller.peerId, pick.peerId));
      await caller.hangup();
      await pick.waitEnded();
      expect((await h.record(pick.peerId)).trace[0].reason).to.match(/^picked up/);
    }
  });

  it('group_pickup: nothing ringing → pickup-no_channels; no such device → pickup-no_users; not approved → refused', async () => {
    const idle = await phone(h, 'noanswer');
    const picker = await phone(h, 'answer');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ device_id: idle.id }, 'sound:im-sorry', 'no call to take'],
      [{ device_id: 'f'.repeat(32) }, 'sound:pbx-invalid', 'no target devices'],
      [{ device_id: idle.id, approved_device_id: idle.id }, 'sound:ss-noservice', 'not permitted'],
    ];
    for (const [data, media, reason] of cases) {
      const pick = await callFrom(h, picker, await h.callflow({ module: 'group_pickup', data }));
      await pick.waitPlayback('PlaybackFinished', media, 8000);
      await pick.waitEnded();
      const rec = await h.record(pick.peerId);
      expect(steps(rec)).to.deep.equal([['group_pickup', 'stop']]);
      expect(rec.trace[0].reason).to.equal(reason);
    }
  });

  it('group_pickup: a caller who hangs up while the pickup is set up leaves no channel behind', async () => {
    const ringer = await phone(h, 'noanswer');
    const picker = await phone(h, 'answer');
    const caller = await ringing(ringer.id);
    await caller.hangup();
    await caller.waitEnded();
    const pick = await callFrom(h, picker, await h.callflow({ module: 'group_pickup', data: { device_id: ringer.id } }));
    await pick.waitPlayback('PlaybackFinished', 'sound:im-sorry', 8000);
    await pick.waitEnded();
    expect(await legsAlive(h, caller.peerId)).to.deep.equal([]);
  });

  it('group_pickup_feature: *8<ext> picks up the extension\'s call; by SIP user name with type device; unknown extension → park-no_caller', async () => {
    const ringer = await phone(h, 'noanswer');
    const picker = await phone(h, 'answer');
    const ext = '2' + String(Date.now()).slice(-5);
    await h.callflow({ module: 'device', data: { id: ringer.id } }, { numbers: [ext] });
    await h.callflow({ module: 'group_pickup_feature', data: {} }, { patterns: ['^\\*87([0-9]+)$'] });
    await h.callflow({ module: 'group_pickup_feature', data: { type: 'device' } }, { patterns: ['^\\*88(xc[0-9a-f]+)$'] });
    for (const code of [`*87${ext}`, `*88${ringer.username}`]) {
      const caller = await h.call(ext);
      await until('the leg rings', () => legsRung(h, caller.peerId).length > 0);
      const pick = await callFrom(h, picker, code);
      await until('bridged', () => together(h, caller.peerId, pick.peerId));
      await pick.hangup();
      await caller.waitEnded();
    }
    const none = await callFrom(h, picker, '*87999999');
    await none.waitPlayback('PlaybackFinished', 'sound:pbx-invalidpark', 8000);
    await none.waitEnded();
    expect((await h.record(none.peerId)).trace[0].reason).to.match(/^no target for 999999/);
  });

  it('intercept: takes an answered call (the device is hung up, the interceptor talks to the caller); same owner only without approval', async () => {
    const user = await h.doc('users', { first_name: 'Bob', last_name: 'Desk' });
    const desk = await phone(h, 'answer', { owner_id: user });
    const mobile = await phone(h, 'answer', { owner_id: user });
    const stranger = await phone(h, 'answer');
    const caller = await ringing(desk.id);
    await caller.waitUp();
    const [leg] = legsRung(h, caller.peerId);
    await until('caller bridged with the desk phone', () => together(h, caller.peerId, leg.channel));
    const code = await h.callflow({ module: 'intercept', data: { device_id: desk.id } });
    // A stranger may not (no approval field: only the target's owner).
    const denied = await callFrom(h, stranger, code);
    await denied.waitPlayback('PlaybackStarted', 'sound:ss-noservice', 8000);
    await denied.hangup();
    const take = await callFrom(h, mobile, code);
    await until('caller bridged with the interceptor', () => together(h, caller.peerId, take.peerId));
    await until('the desk leg is gone', async () => (await legsAlive(h, caller.peerId)).length === 0);
    await caller.hangup();
    await take.waitEnded();
    const rec = await h.record(take.peerId);
    expect(steps(rec)).to.deep.equal([['intercept', 'stop']]);
    expect(rec.trace[0].reason).to.equal(`intercepted call ${caller.peerId} (callee side)`);
  });

  it('intercept_feature: by extension; nothing active → intercept-no_channels', async () => {
    const user = await h.doc('users', { first_name: 'Cy', last_name: 'Two' });
    const desk = await phone(h, 'noanswer', { owner_id: user });
    const mobile = await phone(h, 'answer', { owner_id: user });
    const ext = '3' + String(Date.now()).slice(-5);
    await h.callflow({ module: 'user', data: { id: user } }, { numbers: [ext] });
    await h.callflow({ module: 'intercept_feature', data: {} }, { patterns: ['^\\*86([0-9]+)$'] });
    const idle = await callFrom(h, mobile, `*86${ext}`);
    await idle.waitPlayback('PlaybackFinished', 'sound:im-sorry', 8000);
    await idle.waitEnded();
    expect((await h.record(idle.peerId)).trace[0].reason).to.equal('no call to take');
    const caller = await h.call(ext);
    await until('the desk rings', () => legsRung(h, caller.peerId).some((l) => l.leg === desk.id));
    const take = await callFrom(h, mobile, `*86${ext}`);
    await until('bridged', () => together(h, caller.peerId, take.peerId));
    await take.hangup();
    await caller.waitEnded();
  });

  it('move: the owner\'s call on the desk phone moves to the calling device; no owner / no call / two calls refused', async () => {
    const user = await h.doc('users', { first_name: 'Di', last_name: 'Move' });
    const desk = await phone(h, 'answer', { owner_id: user });
    const cell = await phone(h, 'answer', { owner_id: user });
    const orphan = await phone(h, 'answer');
    const code = await h.callflow({ module: 'move', data: {} });
    const noOwner = await callFrom(h, orphan, code);
    await noOwner.waitPlayback('PlaybackStarted', 'sound:pbx-invalid', 8000);
    await noOwner.hangup();
    const noCall = await callFrom(h, cell, code);
    await noCall.waitPlayback('PlaybackStarted', 'sound:ss-noservice', 8000);
    await noCall.hangup();
    const caller = await ringing(desk.id);
    await caller.waitUp();
    const mv = await callFrom(h, cell, code);
    await until('caller bridged with the cell phone', () => together(h, caller.peerId, mv.peerId));
    await until('the desk leg is gone', async () => (await legsAlive(h, caller.peerId)).length === 0);
    await mv.hangup();
    await caller.waitEnded();
    expect((await h.record(mv.peerId)).trace[0].reason).to.equal(`moved call ${caller.peerId} (callee side)`);
    // Two active calls: Kazoo refuses (cf-move-too_many_channels).
    const c1 = await ringing(desk.id);
    const c2 = await ringing(desk.id);
    await c1.waitUp();
    await c2.waitUp();
    await until('both bridged', async () => legsRung(h, c2.peerId).length > 0 && (await legsAlive(h, c2.peerId)).length > 0);
    const many = await callFrom(h, cell, code);
    await many.waitPlayback('PlaybackStarted', 'sound:sorry', 8000);
    await many.hangup();
    await c1.hangup();
    await c2.hangup();
  });

  it('move: a call the desk phone placed (caller side) moves too', async () => {
    const user = await h.doc('users', { first_name: 'Ed', last_name: 'Out' });
    const desk = await phone(h, 'answer', { owner_id: user });
    const cell = await phone(h, 'answer', { owner_id: user });
    const far = await phone(h, 'answer');
    const number = await h.callflow({ module: 'device', data: { id: far.id } });
    const out = await callFrom(h, desk, number);
    await out.waitUp();
    const [leg] = legsRung(h, out.peerId);
    await until('desk bridged with the far end', () => together(h, out.peerId, leg.channel));
    const mv = await callFrom(h, cell, await h.callflow({ module: 'move', data: {} }));
    await until('the far end bridged with the cell phone', () => together(h, leg.channel, mv.peerId));
    await out.waitEnded();
    await mv.hangup();
    await until('the far end hung up', async () => (await legsAlive(h, out.peerId)).length === 0);
    expect((await h.record(mv.peerId)).trace[0].reason).to.equal(`moved call ${out.peerId} (caller side)`);
  });
});
