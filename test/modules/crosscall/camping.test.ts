// camping_feature on real calls: a busy extension → the camper is told and hung up; once the extension is
// free the camper's phone rings and, answered, calls the extension. An idle extension is reached at once.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { legsRung, steps, until } from '../ringing/helpers.ts';
import { callFrom, phone } from './helpers.ts';

describe('cross-call: camping_feature (real calls)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  it('busy target: camper-queue, then a call-back that calls the extension once it is free; idle: straight through; unknown: camper-deny', async () => {
    const target = await phone(h, 'answer');
    const camper = await phone(h, 'answer');
    const ext = '5' + String(Date.now()).slice(-5);
    await h.callflow({ module: 'device', data: { id: target.id } }, { numbers: [ext] });
    await h.callflow({ module: 'camping_feature', data: { timeout: 20 } }, { patterns: ['^\\*5([0-9]+)$'] });
    const busyCall = await h.call(ext);
    await busyCall.waitUp();
    const camp = await callFrom(h, camper, `*5${ext}`);
    await camp.waitPlayback('PlaybackFinished', 'sound:vm-tocallback', 8000);
    await camp.waitEnded();
    expect((await h.record(camp.peerId)).trace[0].reason).to.equal(`camping on ${ext}`);
    const entered = () => h.logs.filter((l) => l.msg === 'call entered' && l.exten === ext).length;
    expect(entered()).to.equal(1);
    await busyCall.hangup();
    // The camper's phone answers (1 s) and its call to the extension enters ariflow, ringing the target.
    await until('the call-back reached the extension', () => entered() === 2, 10_000);
    const back = h.logs.filter((l) => l.msg === 'call entered' && l.exten === ext)[1];
    await until('the target rings again', () => legsRung(h, String(back.call)).some((l) => l.leg === target.id), 5000);
    await h.driver.rest('DELETE', `/channels/${String(back.call)}`).catch(() => {});

    const idle = await callFrom(h, camper, `*5${ext}`);
    await until('the idle target rings', () => legsRung(h, idle.peerId).some((l) => l.leg === target.id), 5000);
    await idle.hangup();
    expect(steps(await h.record(idle.peerId))[0]).to.deep.equal(['camping_feature', 'branch']);

    const unknown = await callFrom(h, camper, '*5999999');
    await unknown.waitPlayback('PlaybackStarted', 'sound:cannot-complete-as-dialed', 8000);
    await unknown.hangup();
  });
});
