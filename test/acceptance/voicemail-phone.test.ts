// Acceptance (issue #4) on a real SIP phone: a voicemail left from a baresip phone (its microphone: a
// 440 Hz tone) is listened to through `voicemail` check, also from the phone, and downloaded over the API.
import { expect } from 'chai';
import { wavDurationMs } from '../../lib/asterisk/recording.ts';
import { PhoneKit, phonesAvailable, sleep } from './phone-kit.ts';

interface Message {
  media_id: string;
  folder: string;
  length: number;
  caller_id_number?: string;
}

/** RMS of a 16-bit PCM WAV's samples after the 44-byte header (0 for silence). */
function rms(wav: Buffer): number {
  let sum = 0;
  let n = 0;
  for (let at = 44; at + 1 < wav.length; at += 2, n++) sum += wav.readInt16LE(at) ** 2;
  return n ? Math.sqrt(sum / n) : 0;
}

describe('acceptance: voicemail from a real SIP phone', function () {
  this.timeout(40_000);
  let kit: PhoneKit;

  before(async function () {
    if (!phonesAvailable()) this.skip();
    kit = await PhoneKit.start();
  });
  after(async () => kit?.stop());

  it('a message left from the phone is heard through `check` from the phone and downloaded over the API', async () => {
    const box = String((await kit.api('PUT', '/vmboxes', { name: 'Desk', mailbox: '2468', pin: '1234', skip_greeting: true, skip_instructions: true })).id);
    const leave = await kit.h.callflow({ module: 'voicemail', data: { id: box } });
    const check = await kit.h.callflow({ module: 'voicemail', data: { action: 'check', id: box } });

    // Leave a message: the phone "speaks" (its tone) for about 2 s after the beep, # ends it, 1 saves it.
    const left = await kit.dial(leave);
    await left.established();
    await sleep(2500);
    await kit.phone.sendDigits('#');
    await left.playback('PlaybackStarted', 'sound:vm-review');
    await kit.phone.sendDigits('1');
    await left.playback('PlaybackStarted', 'sound:vm-msgsaved');
    await left.closed(10_000);
    const list = (await kit.api('GET', `/vmboxes/${box}/messages`)) as unknown as Message[];
    expect(list).to.have.length(1);
    const message = list[0];
    expect(message.folder).to.equal('new');
    expect(message.length).to.be.above(1000);
    expect((await left.record()).trace[0]).to.include({ module: 'voicemail' });

    // Download it over the API: a WAV with the phone's audio in it.
    const res = await kit.client.fetch(`/vmboxes/${box}/messages/${message.media_id}/raw`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wavDurationMs(wav)).to.be.above(1000);
    expect(rms(wav), 'the recording holds the phone\'s tone, not silence').to.be.above(300);

    // Listen to it from the phone: PIN, "you have...", 1 = new messages → the message itself plays.
    await kit.restartPhoneIfGone();
    const listen = await kit.dial(check);
    await listen.established();
    await listen.playback('PlaybackFinished', 'sound:vm-password');
    await kit.phone.sendDigits('1234#');
    await listen.playback('PlaybackStarted', 'sound:vm-youhave');
    await kit.phone.sendDigits('1');
    const heard = await listen.playback('PlaybackStarted', undefined, 8000);
    const messagePlay = await kit.h.driver.waitFor(
      (e) => e.type === 'PlaybackStarted' && e.playback?.target_uri === `channel:${listen.id}` && e.playback.media_uri.endsWith(message.media_id),
      8000,
      'the message playing',
    );
    expect(messagePlay.at).to.be.at.least(heard.at);
    await kit.h.driver.waitFor(
      (e) => e.type === 'PlaybackFinished' && e.playback?.target_uri === `channel:${listen.id}` && e.playback.media_uri.endsWith(message.media_id),
      8000,
      'the message played to the end',
    );
    await kit.phone.hangup();
    const rec = await listen.record();
    expect(rec.trace[0].module).to.equal('voicemail');
    expect(rec.end).to.equal('caller_hangup');
  });
});
