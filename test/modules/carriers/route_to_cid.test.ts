// route_to_cid on real calls: the device and the user whose caller ID (internal by default, or the types
// asked for) equals the dialled number ring; busy → USER_BUSY child; nobody with that caller ID → `_`.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { legsRung, simDevice, steps, until } from '../ringing/helpers.ts';
import { beep } from './helpers.ts';

describe('route_to_cid', function () {
  this.timeout(20_000);
  let h: EngineHarness;

  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => {
    await h?.stop();
  });

  it('rings the device and the user\'s devices whose caller ID is the dialled number; stop once answered', async () => {
    const direct = await simDevice(h, 'answer', { caller_id: { internal: { number: '7811001' } } });
    const userId = await h.doc('users', { first_name: 'Ann', last_name: 'Lee', caller_id: { internal: { number: '7811001' } } });
    const owned = await simDevice(h, 'noanswer', { owner_id: userId });
    await simDevice(h, 'answer', { caller_id: { internal: { number: '7811999' } } }); // another number: not rung
    await simDevice(h, 'answer', { caller_id: { external: { number: '7811001' } } }); // external type: not asked for
    await h.callflow({ module: 'route_to_cid', data: {} }, { numbers: ['7811001'] });
    const caller = await h.call('7811001');
    await caller.waitUp();
    await until('both rung', () => legsRung(h, caller.peerId).length >= 2);
    expect(legsRung(h, caller.peerId).map((l) => l.leg).sort()).to.deep.equal([direct, owned].sort());
    await caller.hangup();
    expect(steps(await h.record(caller.peerId))).to.deep.equal([['route_to_cid', 'stop']]);
  });

  it('cid_types / endpoint_types choose what is searched; busy → USER_BUSY', async () => {
    const busy = await simDevice(h, 'busy', { caller_id: { external: { number: '+14155550177' } } });
    await h.doc('users', { first_name: 'Not', last_name: 'Me', caller_id: { external: { number: '+14155550177' } } });
    await h.callflow({ module: 'route_to_cid', data: { cid_types: ['external'], endpoint_types: ['device'] }, children: { USER_BUSY: beep } }, { numbers: ['+14155550177'] });
    const caller = await h.call('+14155550177');
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.hangup();
    expect(legsRung(h, caller.peerId).map((l) => l.leg)).to.deep.equal([busy]);
    expect(steps(await h.record(caller.peerId))[0]).to.deep.equal(['route_to_cid', 'USER_BUSY']);
  });

  it('nobody has that caller ID → `_` at once', async () => {
    await h.callflow({ module: 'route_to_cid', data: {}, children: { _: beep } }, { numbers: ['7811555'] });
    const caller = await h.call('7811555');
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'route_to_cid', result: '_' });
    expect(rec.trace[0].reason).to.contain('7811555');
  });
});
