// Asterisk really plays what lib/tts writes: a call (Local channel through the `inbound` dialplan) enters
// the test driver's own Stasis app, which answers it and plays the `sound:` URI of a synthesised file.
import { expect } from 'chai';
import { createTts, type Tts } from '../../lib/tts/index.ts';
import { AriDriver } from '../helpers/ari-driver.ts';
import { startGoogleTtsServer, type GoogleTtsServer } from '../helpers/google-tts-server.ts';
import { scratchMediaDir, soxInfo, stackRoot } from './stack.ts';

describe('tts files played by Asterisk', function () {
  this.timeout(30_000);
  let media: Awaited<ReturnType<typeof scratchMediaDir>>;
  let driver: AriDriver;
  let server: GoogleTtsServer;
  let tts: Tts;

  before(async () => {
    media = await scratchMediaDir();
    server = await startGoogleTtsServer();
    tts = createTts({ mediaDir: media.dir, espeak: { chrootDir: stackRoot() }, google: { apiEndpoint: server.address } });
    driver = await AriDriver.start();
  });
  after(async () => {
    await driver?.close();
    await tts?.close();
    await server?.close();
    await media?.remove();
  });

  /** One call into the driver's own app; plays `uri` on the answered channel; the PlaybackFinished event and how long it took. */
  async function play(uri: string) {
    const caller = await driver.call(`tts${Date.now()}`, { targetApp: driver.app });
    await driver.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === caller.peerId, 5000, 'the call in the test app');
    await driver.rest('POST', `/channels/${caller.peerId}/answer`);
    await caller.waitUp();
    const t0 = Date.now();
    await driver.rest('POST', `/channels/${caller.peerId}/play`, { media: uri });
    const finished = await caller.waitPlayback('PlaybackFinished', uri, 20_000);
    const ms = Date.now() - t0;
    await caller.hangup();
    return { state: finished.playback?.state, ms };
  }

  it('plays an espeak file to the end (state done, in about its duration)', async () => {
    const r = await tts.speak('This prompt was synthesised by espeak and played by Asterisk.');
    const seconds = soxInfo(r.file).seconds;
    const { state, ms } = await play(r.uri);
    expect(state).to.equal('done');
    expect(ms).to.be.greaterThan(seconds * 1000 * 0.8); // really played, not skipped
  });

  it('plays a Google (LINEAR16) file to the end', async () => {
    const r = await tts.speak('Played from the Google engine.', { engine: 'google' });
    const { state, ms } = await play(r.uri);
    expect(state).to.equal('done');
    expect(ms).to.be.greaterThan(server.durationFor('Played from the Google engine.') * 1000 * 0.8);
  });

  it('fails (and so the check above means something) for a file that is not there', async () => {
    const { state } = await play(`sound:${media.dir}/tts/espeak-does-not-exist`);
    expect(state).to.equal('failed');
  });
});
