// Google Cloud Text-to-Speech through the official client against a local gRPC server that speaks the
// real proto (test/helpers/google-tts-server.ts): request contents, the WAV written, the cache, errors.
import { expect } from 'chai';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { status } from '@grpc/grpc-js';
import { createTts, TtsError, type Tts } from '../../lib/tts/index.ts';
import { parseWav } from '../../lib/tts/wav.ts';
import { startGoogleTtsServer, type GoogleTtsServer } from '../helpers/google-tts-server.ts';
import { scratchMediaDir, soxInfo, stackRoot } from './stack.ts';

async function rejected(p: Promise<unknown>): Promise<TtsError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(TtsError);
    return e as TtsError;
  }
  throw new Error('expected a TtsError');
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('tts google (official client, local gRPC server)', function () {
  this.timeout(20_000);
  let media: Awaited<ReturnType<typeof scratchMediaDir>>;
  let server: GoogleTtsServer;
  let tts: Tts;
  const opened: Tts[] = [];
  const make = (extra: Partial<Parameters<typeof createTts>[0]> = {}) => {
    const t = createTts({ mediaDir: media.dir, defaultEngine: 'google', google: { apiEndpoint: server.address }, espeak: { chrootDir: stackRoot() }, ...extra });
    opened.push(t);
    return t;
  };

  before(async () => {
    media = await scratchMediaDir();
    server = await startGoogleTtsServer();
    tts = make();
  });
  beforeEach(() => {
    server.requests.length = 0;
    delete server.behaviour.failWith;
    delete server.behaviour.delayMs;
  });
  after(async () => {
    await Promise.all(opened.map((t) => t.close()));
    await server?.close();
    await media?.remove();
  });

  it('sends text, voice, language and LINEAR16 at 8 kHz, and writes a playable 8 kHz WAV', async () => {
    const text = 'Your call is important to us.';
    const t0 = performance.now();
    const r = await tts.speak(text, { voice: 'male', language: 'en-gb' });
    const cold = performance.now() - t0;
    expect(server.requests).to.have.length(1);
    const req = server.requests[0];
    expect(req.input.text).to.equal(text);
    expect(req.voice).to.deep.include({ languageCode: 'en-GB', ssmlGender: 'MALE' });
    expect(req.audioConfig).to.deep.include({ audioEncoding: 'LINEAR16', sampleRateHertz: 8000 });
    expect(req.metadata['x-goog-api-client']).to.match(/gapic\//); // the official client made the call
    expect(r).to.include({ engine: 'google', cached: false });
    expect(r.file).to.match(new RegExp(`^${media.dir}/tts/google-[0-9a-f]{40}\\.wav$`));
    expect(r.uri).to.equal(`sound:${r.file.slice(0, -4)}`);
    // Google's own header is replaced by one whose sizes are right, and nothing of it is left in the samples.
    const wav = parseWav(await readFile(r.file));
    expect(wav.pcm.length).to.equal(Math.round(server.durationFor(text) * 8000) * 2);
    expect(wav.pcm.subarray(0, 4).toString('ascii')).to.not.equal('RIFF');
    const info = soxInfo(r.file);
    expect(info).to.include({ rate: 8000, channels: 1, bits: 16 });
    expect(info.seconds).to.be.closeTo(server.durationFor(text), 0.01);

    const t1 = performance.now();
    const again = await tts.speak(text, { voice: 'male/en-GB' });
    const warm = performance.now() - t1;
    expect(again).to.deep.equal({ ...r, cached: true });
    expect(server.requests).to.have.length(1);
    console.log(`      google (local server): cold ${cold.toFixed(1)} ms (first call opens the channel), cached ${warm.toFixed(2)} ms`);
  });

  it('passes a Google voice name, and keeps voices and engines apart in the cache', async () => {
    const text = `Voices ${randomBytes(3).toString('hex')}`;
    const named = await tts.speak(text, { voice: 'en-US-Wavenet-D' });
    expect(server.requests[0].voice).to.deep.equal({ languageCode: 'en-US', name: 'en-US-Wavenet-D' });
    const female = await tts.speak(text, { voice: 'female', language: 'en-US' });
    expect(server.requests[1].voice).to.deep.include({ languageCode: 'en-US', ssmlGender: 'FEMALE' });
    const espeak = await tts.speak(text, { engine: 'espeak' });
    expect(new Set([named.file, female.file, espeak.file]).size).to.equal(3);
    expect(espeak.file).to.match(/\/espeak-/);
    expect(server.requests).to.have.length(2);
    expect((await rejected(tts.speak(text, { voice: 'en-us+f3' }))).code).to.equal('unsupported_voice');
    expect(server.requests).to.have.length(2);
  });

  it('writes 16 kHz audio as raw .sln16 when asked for 16 kHz', async () => {
    const wide = make({ google: { apiEndpoint: server.address, sampleRate: 16000 } });
    const text = `Wideband ${randomBytes(3).toString('hex')}`;
    const r = await wide.speak(text);
    expect(server.requests[0].audioConfig.sampleRateHertz).to.equal(16000);
    expect(r.file).to.match(/\.sln16$/);
    expect(r.uri).to.equal(`sound:${r.file.slice(0, -6)}`);
    const raw = await readFile(r.file);
    expect(raw.length).to.equal(Math.round(server.durationFor(text) * 16000) * 2); // samples only, no header
    expect((await wide.speak(text)).cached).to.equal(true);
  });

  it('is chosen per request when the default engine is espeak', async () => {
    const local = make({ defaultEngine: 'espeak' });
    const r = await local.speak(`Per request ${randomBytes(3).toString('hex')}`, { engine: 'google' });
    expect(r.engine).to.equal('google');
    expect(server.requests).to.have.length(1);
  });

  it('turns gRPC failures into typed errors', async () => {
    server.behaviour.failWith = { code: status.UNAUTHENTICATED, details: 'API key not valid' };
    const auth = await rejected(tts.speak(`Auth ${randomBytes(3).toString('hex')}`));
    expect(auth.code).to.equal('auth');
    expect(auth.engine).to.equal('google');
    expect(auth.message).to.match(/API key not valid/);
    server.behaviour.failWith = { code: status.INVALID_ARGUMENT, details: 'Voice en-US-Nope does not exist' };
    expect((await rejected(tts.speak(`Voice ${randomBytes(3).toString('hex')}`))).code).to.equal('unsupported_voice');
    server.behaviour.failWith = { code: status.RESOURCE_EXHAUSTED, details: 'quota' };
    expect((await rejected(tts.speak(`Quota ${randomBytes(3).toString('hex')}`))).code).to.equal('synthesis_failed');
    delete server.behaviour.failWith;
    expect((await tts.speak(`Recovered ${randomBytes(3).toString('hex')}`)).cached).to.equal(false); // failures are not cached
  });

  it('fails fast with TtsError when the endpoint is unreachable', async () => {
    const dead = make({ google: { apiEndpoint: `127.0.0.1:${await deadPort()}`, timeoutMs: 2000 } });
    const t0 = performance.now();
    const e = await rejected(dead.speak('Anyone there?'));
    const ms = performance.now() - t0;
    expect(e.code).to.equal('unreachable');
    expect(ms).to.be.lessThan(1500);
    expect(dead.stats().failures).to.equal(1);
  });

  it('gives up at the deadline when the server is slow', async () => {
    server.behaviour.delayMs = 3000;
    const slow = make({ google: { apiEndpoint: server.address, timeoutMs: 300 } });
    const t0 = performance.now();
    const e = await rejected(slow.speak(`Slow ${randomBytes(3).toString('hex')}`));
    expect(e.code).to.equal('timeout');
    expect(performance.now() - t0).to.be.lessThan(1500);
  });

  it('reports credentials that cannot be loaded as auth, without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const bad = make({ google: { apiEndpoint: server.address, insecure: false, keyFilename: '/nonexistent/key.json' } });
      const e = await rejected(bad.speak('Credentials?'));
      expect(e.code).to.equal('auth');
      expect(e.message).to.match(/credentials/);
      const again = await rejected(bad.speak('Credentials?')); // a second try loads them again
      expect(again.code).to.equal('auth');
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).to.deep.equal([]);
      expect(server.requests).to.have.length(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
