// disa on real calls: the right PIN, then a dialled extension is routed as a new call of the account and
// reaches that extension's device; a wrong PIN three times hangs up (the `_` child is not taken); a number
// with no callflow uses up the retries and takes `_`; no PIN configured goes straight to the dial tone;
// the account's call restriction denies a number when enforce_call_restriction is on.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { legsRung, simDevice, steps, until } from '../ringing/helpers.ts';
import { beep } from './helpers.ts';

type Caller = Awaited<ReturnType<EngineHarness['call']>>;

const PIN_PROMPT = 'sound:agent-pass';

function started(caller: Caller, media: string): number {
  return caller.events().filter((e) => e.type === 'PlaybackStarted' && e.playback?.target_uri === `channel:${caller.peerId}` && e.playback.media_uri === media).length;
}

describe('disa (DISA)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let ext = '';
  let deviceId = '';

  before(async () => {
    h = await EngineHarness.start();
    deviceId = await simDevice(h, 'answer');
    ext = await h.callflow({ module: 'device', data: { id: deviceId } });
  });
  after(async () => {
    await h?.stop();
  });

  it('right PIN, then a dialled number reaches that extension (branched as a new call of the account)', async () => {
    const n = await h.callflow({ module: 'disa', data: { pin: '1234', use_account_caller_id: false } });
    const caller = await h.call(n);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackStarted', PIN_PROMPT);
    await caller.sendDtmf('1234#');
    // The dial tone (a rendered tone file) starts once the PIN is accepted.
    await until('dial tone', () => caller.events().some((e) => e.type === 'PlaybackStarted' && e.playback?.media_uri !== PIN_PROMPT), 8000);
    await caller.sendDtmf(`${ext}#`);
    await until('extension rung', () => legsRung(h, caller.peerId).length > 0, 8000).catch(async (err) => {
      await caller.hangup();
      const rec = await h.record(caller.peerId);
      throw new Error(`${(err as Error).message}: ${JSON.stringify(rec.trace)} ${JSON.stringify(caller.events().filter((e) => e.type.startsWith('Playback') || e.type.includes('Dtmf')).map((e) => [e.type, e.playback?.media_uri ?? e.digit, e.at]))}`);
    });
    expect(legsRung(h, caller.peerId)[0].leg).to.equal(deviceId);
    await new Promise((r) => setTimeout(r, 1500));
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['disa', 'branch'],
      ['device', 'stop'],
    ]);
    expect(rec.trace[0].reason).to.contain(`dialling ${ext}`);
  });

  it('a wrong PIN three times hangs up; `_` is not taken', async () => {
    const n = await h.callflow({ module: 'disa', data: { pin: '1234' }, children: { _: beep } });
    const caller = await h.call(n);
    await caller.waitUp();
    for (let i = 1; i <= 3; i++) {
      await until(`PIN prompt #${i}`, () => started(caller, PIN_PROMPT) >= i, 8000);
      await caller.sendDtmf('9999#');
    }
    await caller.waitEnded(15_000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['disa', 'stop']]);
    expect(rec.trace[0].reason).to.contain('wrong PIN 3 times');
  });

  it('no PIN: dial tone at once; a number with no callflow uses up the retries and takes `_`', async () => {
    const n = await h.callflow({ module: 'disa', data: { retries: 2, use_account_caller_id: false }, children: { _: beep } });
    const caller = await h.call(n);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackStarted');
    expect(started(caller, PIN_PROMPT)).to.equal(0);
    await caller.sendDtmf('55#');
    await until('invalid extension prompt', () => started(caller, 'sound:pbx-invalid') >= 1, 8000);
    await caller.sendDtmf('66#');
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(steps(rec).map((s) => s[0] + ':' + s[1].split(' ')[0])).to.deep.equal(['disa:_', 'play:_']);
  });

  it('enforce_call_restriction: a class the account denies is refused and the call hung up', async () => {
    await h.db.collection('accounts').updateOne({ _id: h.accountId as never }, { $set: { call_restriction: { international: { action: 'deny' } } } });
    try {
      await h.callflow({ module: 'play', data: { id: 'beep' } }, { numbers: ['+442079460000'] });
      const n = await h.callflow({ module: 'disa', data: { enforce_call_restriction: true, use_account_caller_id: false } });
      const caller = await h.call(n);
      await caller.waitUp();
      await caller.waitPlayback('PlaybackStarted');
      await caller.sendDtmf('011442079460000#');
      await caller.waitEnded();
      const rec = await h.record(caller.peerId);
      expect(steps(rec)).to.deep.equal([['disa', 'hard_stop']]);
      expect(rec.trace[0].reason).to.contain('international');
    } finally {
      await h.db.collection('accounts').updateOne({ _id: h.accountId as never }, { $unset: { call_restriction: '' } });
    }
  });

  it('the caller hanging up during the PIN prompt ends the call cleanly', async () => {
    const n = await h.callflow({ module: 'disa', data: { pin: '1234' } });
    const caller = await h.call(n);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackStarted', PIN_PROMPT);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((t) => t.module)).to.deep.equal(['disa']);
    expect(rec.end).to.not.equal(undefined);
  });
});
