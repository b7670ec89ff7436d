// The `dial` module on real calls with simulated phones (asterisk/etc/extensions.conf [sim]): round robin
// spreads calls evenly and remembers its turn; multi_ring takes the first answer; screening keeps an answer
// without the key press from taking the call; the whisper is played to the recipient, not the caller; a
// phone number rings through the carrier seam (loopback) and gets its extension as DTMF; the post-call flow
// runs when the recipient hangs up first; failures take the cause child or `_`; the caller hanging up
// while recipients ring ends the call.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { beep, legsAlive, simDevice, until } from '../ringing/helpers.ts';
import { screenedMultiRing } from './helpers.ts';

interface DialRecord {
  connection: string;
  offered: string[];
  answered_by?: string;
  ended_by?: string;
  cause?: string;
}

describe('tracking dial: the dial module on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  const dev: Record<string, string> = {};
  const sip = (id: string) => ({ type: 'sip', device_id: id });

  before(async () => {
    h = await EngineHarness.start();
    for (const b of ['answer-now', 'answer', 'noanswer', 'busy', 'answer-dtmf1', 'answer-hangup']) dev[b] = await simDevice(h, b);
    dev.a = await simDevice(h, 'answer-now');
    dev.b = await simDevice(h, 'answer-now');
    dev.c = await simDevice(h, 'answer-now');
  });
  after(async () => h?.stop());

  const dialOf = (rec: { attributes: Record<string, unknown> }) => rec.attributes.dial as DialRecord;

  /** Calls, waits until answered, hangs up, returns the record. */
  async function answeredCall(number: string) {
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.hangup();
    return h.record(caller.peerId);
  }

  it('round robin over three phones spreads 30 calls 10/10/10, each call starting with the next', async function () {
    this.timeout(60_000);
    const number = await h.callflow({ module: 'dial', data: { connection: 'round_robin', recipients: [sip(dev.a), sip(dev.b), sip(dev.c)] } });
    const counts: Record<string, number> = {};
    const firstThree: string[] = [];
    for (let wave = 0; wave < 3; wave++) {
      const recs = await Promise.all(Array.from({ length: 10 }, () => answeredCall(number)));
      for (const rec of recs) {
        const d = dialOf(rec);
        expect(d.connection).to.equal('round_robin');
        // Each answered at once: it is the only one offered, and it is the first in this call's turn.
        expect(d.offered).to.deep.equal([d.answered_by]);
        counts[d.answered_by!] = (counts[d.answered_by!] ?? 0) + 1;
      }
      if (wave === 0) firstThree.push(...recs.map((r) => dialOf(r).answered_by!));
    }
    expect(counts).to.deep.equal({ [`device:${dev.a}`]: 10, [`device:${dev.b}`]: 10, [`device:${dev.c}`]: 10 });
  });

  it('round robin: a recipient that does not answer passes the call to the next one, both are offered', async () => {
    const number = await h.callflow({ module: 'dial', data: { connection: 'round_robin', timeout: 2, recipients: [sip(dev.noanswer), sip(dev['answer-now'])] } });
    const recs = [await answeredCall(number), await answeredCall(number)];
    const byAnswered = recs.map((r) => dialOf(r));
    for (const d of byAnswered) expect(d.answered_by).to.equal(`device:${dev['answer-now']}`);
    // One call started with the unanswered phone (offered both), the other with the answering one.
    expect(byAnswered.map((d) => d.offered.length).sort()).to.deep.equal([1, 2]);
  });

  it('multi_ring: every recipient rings, the first to answer takes the call; the record names it', async () => {
    const number = await h.callflow({ module: 'dial', data: { connection: 'multi_ring', recipients: [sip(dev.busy), sip(dev.noanswer), sip(dev.answer)] } });
    const caller = await h.call(number);
    await caller.waitUp();
    await until('the other legs stopped', async () => (await legsAlive(h, caller.peerId)).length <= 2, 3000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'dial', result: 'stop', reason: `answered by device:${dev.answer}` });
    expect(dialOf(rec)).to.deep.include({ connection: 'multi_ring', answered_by: `device:${dev.answer}`, ended_by: 'caller' });
    expect(dialOf(rec).offered).to.have.members([`device:${dev.busy}`, `device:${dev.noanswer}`, `device:${dev.answer}`]);
  });

  it('screening: an answer without pressing 1 never takes the call, the one that presses 1 does after the whisper, which the caller does not hear', async () => {
    const number = await h.callflow(screenedMultiRing([sip(dev['answer-now']), sip(dev['answer-dtmf1'])], { play: 'tt-weasels' }));
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(dialOf(rec).answered_by).to.equal(`device:${dev['answer-dtmf1']}`);
    const whispers = h.logs.filter((l) => l.call === caller.peerId && l.msg === 'whisper to leg');
    // Both answering legs heard the whisper (with the prompt); the caller's channel played nothing of it.
    expect(whispers.map((w) => w.leg).sort()).to.deep.equal([dev['answer-now'], dev['answer-dtmf1']].sort());
    const played = caller.events().filter((e) => e.type === 'PlaybackStarted').map((e) => e.playback?.media_uri);
    expect(played).to.not.include('sound:tt-weasels');
    expect(played).to.not.include('sound:beep');
  });

  it('screening: nobody presses 1 → not answered, `_` is taken', async () => {
    const number = await h.callflow({
      module: 'dial',
      data: { connection: 'direct', screen: true, screen_prompt: 'beep', screen_timeout: 1, recipients: [sip(dev['answer-now'])] },
      children: { _: beep },
    });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['dial', 'play']);
    expect(rec.trace[0].result).to.equal('_');
    expect(dialOf(rec).answered_by).to.equal(undefined);
    expect(dialOf(rec).cause).to.equal('NO_ANSWER');
  });

  it('a phone number rings through the carrier seam and receives its extension as DTMF; caller ID can be the tracking number', async () => {
    const phoneNumber = `+1555${String(Date.now() % 1_000_000).padStart(7, '0')}`;
    await h.callflow(
      { module: 'collect_dtmf', data: { max_digits: 3, timeout: 4000 }, children: { _: { module: 'play', data: { id: 'silence/1' } } } },
      { numbers: [phoneNumber] },
    );
    const number = await h.callflow({
      module: 'dial',
      data: { recipients: [{ type: 'phone', number: phoneNumber, extension: '427' }], caller_id: 'tracking_number' },
    });
    const caller = await h.call(number, { callerId: '"Visitor" <5550001>' });
    await caller.waitUp();
    const rec = await h.record(caller.peerId);
    expect(dialOf(rec)).to.deep.include({ answered_by: `phone:${phoneNumber},427`, ended_by: 'recipient' });
    const inner = await h.db.collection('calls').findOne({ callee: phoneNumber });
    expect(inner, 'the looped call').to.not.equal(null);
    expect(inner!.trace[0].reason).to.match(/^collected "427" /);
    // The recipient saw the tracking number (the number the caller dialled), not the caller's.
    expect(inner!.caller_id_number).to.equal(number);
  });

  it('post_call: when the recipient hangs up first the caller goes on to the post-call callflow', async () => {
    const postCall = 'postcallflow000000000000000000001';
    await h.callflow({ module: 'play', data: { id: 'beep' } }, { id: postCall });
    const number = await h.callflow({ module: 'dial', data: { recipients: [sip(dev['answer-hangup'])], post_call: postCall }, children: { _: { module: 'play', data: { id: 'tt-weasels' } } } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['dial', 'replace'],
      ['play', '_ (no child)'],
    ]);
    expect(dialOf(rec)).to.deep.include({ answered_by: `device:${dev['answer-hangup']}`, ended_by: 'recipient' });
  });

  it('failures: busy takes the USER_BUSY child; no recipient that can ring → `_`', async () => {
    const number = await h.callflow({ module: 'dial', data: { recipients: [sip(dev.busy)] }, children: { USER_BUSY: beep, _: { module: 'play', data: { id: 'tt-weasels' } } } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'dial', result: 'USER_BUSY' });
    expect(dialOf(rec).cause).to.equal('USER_BUSY');

    const missing = await h.callflow({ module: 'dial', data: { connection: 'multi_ring', recipients: [sip('nosuchdevice'), { type: 'phone', number: '+15550009999' }] }, children: { _: beep } });
    const c2 = await h.call(missing);
    await c2.waitPlayback('PlaybackFinished', 'sound:beep');
    await c2.hangup();
    const r2 = await h.record(c2.peerId);
    expect(r2.trace[0]).to.include({ module: 'dial', result: '_' });
    expect(r2.trace[0].reason, r2.trace[0].reason).to.match(/no recipient can be rung: device:nosuchdevice not_found, phone:\+15550009999 no_route/);
  });

  it('the caller hangs up while the recipients ring: every leg stops, the call ends', async () => {
    const number = await h.callflow({ module: 'dial', data: { connection: 'multi_ring', recipients: [sip(dev.noanswer), { type: 'sip', uri: 'Local/noanswer@sim' }] } });
    const caller = await h.call(number);
    await until('both ringing', () => h.logs.filter((l) => l.call === caller.peerId && l.msg === 'leg ringing').length === 2, 5000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.end).to.equal('caller_hangup');
    await until('no leg left', async () => (await legsAlive(h, caller.peerId)).length === 0, 3000);
  });
});
