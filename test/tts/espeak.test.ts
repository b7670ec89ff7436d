// espeak-ng + sox for real (in the local stack's chroot): playable 8 kHz files, the cache, hostile
// text, limits. Prints measured synthesis times.
import { expect } from 'chai';
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createEspeakEngine, createTts, TtsError, type Tts, type TtsEngine } from '../../lib/tts/index.ts';
import { scratchMediaDir, soxInfo, stackRoot } from './stack.ts';

const sentence = 'Thank you for calling. Please hold while we connect your call.';

async function rejected(p: Promise<unknown>): Promise<TtsError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(TtsError);
    return e as TtsError;
  }
  throw new Error('expected a TtsError');
}

describe('tts espeak (real espeak-ng + sox)', function () {
  this.timeout(30_000);
  let media: Awaited<ReturnType<typeof scratchMediaDir>>;
  let tts: Tts;
  const make = (extra: Partial<Parameters<typeof createTts>[0]> = {}) =>
    createTts({ mediaDir: media.dir, espeak: { chrootDir: stackRoot() }, ...extra });

  before(async () => {
    media = await scratchMediaDir();
    tts = make();
  });
  after(async () => {
    await tts?.close();
    await media?.remove();
  });

  it('speaks a sentence into an 8 kHz mono 16-bit WAV under <mediaDir>/tts, named by a sound: URI', async () => {
    const t0 = performance.now();
    const r = await tts.speak(sentence);
    const cold = performance.now() - t0;
    expect(r.cached).to.equal(false);
    expect(r.engine).to.equal('espeak');
    expect(r.file.startsWith(`${media.dir}/tts/`)).to.equal(true);
    expect(r.file).to.match(/\/espeak-[0-9a-f]{40}\.wav$/);
    expect(r.uri).to.equal(`sound:${r.file.replace(/\.wav$/, '')}`);
    const info = soxInfo(r.file); // run inside the chroot: the path is the same for Asterisk
    expect(info).to.include({ rate: 8000, channels: 1, bits: 16 });
    expect(info.seconds).to.be.greaterThan(2).and.lessThan(10);
    // Next to it, the same samples in µ-law (one byte each) for µ-law calls to stream as they are.
    const ulaw = r.file.replace(/\.wav$/, '.ulaw');
    expect(statSync(ulaw).size).to.equal(Math.round(info.seconds * 8000));
    const t1 = performance.now();
    const again = await tts.speak(sentence);
    const warm = performance.now() - t1;
    expect(again).to.deep.equal({ ...r, cached: true });
    console.log(`      espeak: cold ${cold.toFixed(1)} ms, cached ${warm.toFixed(2)} ms for ${info.seconds.toFixed(2)} s of speech`);
  });

  it('serves the second identical request from the cache without running the engine', async () => {
    const text = `Cache check ${randomBytes(3).toString('hex')}`;
    const before = tts.stats();
    const first = await tts.speak(text, { voice: 'female', language: 'en-US' });
    const mtime = (await stat(first.file)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const second = await tts.speak(text, { voice: 'female/en-US' }); // the same voice, spelled as Kazoo joins it
    expect(second.file).to.equal(first.file);
    expect(second.cached).to.equal(true);
    expect((await stat(second.file)).mtimeMs).to.equal(mtime);
    const after = tts.stats();
    expect(after.misses - before.misses).to.equal(1);
    expect(after.hits - before.hits).to.equal(1);
    // A new instance (a restart) finds the file too.
    const other = make();
    expect((await other.speak(text)).cached).to.equal(true);
    expect(other.stats()).to.include({ hits: 1, misses: 0 });
  });

  it('makes a different file for a different voice or language', async () => {
    const female = await tts.speak('Good morning', { voice: 'female', language: 'en-US' });
    const male = await tts.speak('Good morning', { voice: 'male', language: 'en-US' });
    const french = await tts.speak('Good morning', { voice: 'female', language: 'fr-FR' });
    const native = await tts.speak('Good morning', { voice: 'en-gb+m3' });
    const files = new Set([female.file, male.file, french.file, native.file]);
    expect(files.size).to.equal(4);
    expect((await readFile(female.file)).equals(await readFile(male.file))).to.equal(false);
    for (const f of files) expect(soxInfo(f).rate).to.equal(8000);
  });

  it('speaks hostile text literally: no shell, no options, nothing executed', async () => {
    const canary = `/tmp/ariflow-tts-canary-${randomBytes(4).toString('hex')}`;
    const hostile = [
      `-x; rm -rf / ; touch ${canary}1`,
      `$(touch ${canary}2) \`touch ${canary}3\` && touch ${canary}4 | cat`,
      `"double" 'single' \\backslash <speak>not ssml</speak> [[h@'loU]]`,
      'second line\nthird line\r\n\ttabbed\u0000nul\u0007bell',
      'unicode: café, naïve, Straße, 東京, emoji 🙂, rtl עברית',
    ].join('\n');
    const r = await tts.speak(hostile);
    for (let i = 1; i <= 4; i++) {
      expect(existsSync(`${canary}${i}`)).to.equal(false);
      if (stackRoot()) expect(existsSync(`${stackRoot()}${canary}${i}`)).to.equal(false);
    }
    const info = soxInfo(r.file);
    expect(info).to.include({ rate: 8000, channels: 1 });
    // Every line is spoken: far longer than the first line alone.
    const firstLineOnly = soxInfo((await tts.speak(`-x; rm -rf / ; touch ${canary}1`)).file).seconds;
    expect(info.seconds).to.be.greaterThan(firstLineOnly * 3);
    // Texts that look like options are spoken, not parsed (espeak's --help would print text, not audio).
    for (const text of ['--help', '-v xx-yy', '--stdout', '-w /tmp/x']) {
      const o = await tts.speak(text);
      expect(soxInfo(o.file).seconds, text).to.be.greaterThan(0.2);
    }
  });

  it('rejects over-long and empty text before running anything', async () => {
    const small = make({ maxChars: 100 });
    const long = await rejected(small.speak('a'.repeat(101)));
    expect(long.code).to.equal('text_too_long');
    expect(long.message).to.match(/101 characters, the limit is 100/);
    expect((await small.speak('é'.repeat(100))).cached).to.equal(false); // characters, not bytes
    expect((await rejected(tts.speak('x'.repeat(4001)))).code).to.equal('text_too_long');
    expect((await rejected(tts.speak('  \n\t '))).code).to.equal('empty_text');
    expect((await rejected(tts.speak(undefined as unknown as string))).code).to.equal('empty_text');
    expect(small.stats().misses).to.equal(1);
  });

  it('says which voice or engine it does not know', async () => {
    expect((await rejected(tts.speak('hello', { voice: 'xx-yy' }))).code).to.equal('unsupported_voice');
    expect((await rejected(tts.speak('hello', { voice: '--stdout' }))).code).to.equal('unsupported_voice');
    expect((await rejected(tts.speak('hello', { engine: 'polly' }))).code).to.equal('unknown_engine');
    expect((await tts.speak('hello', { engine: 'flite' })).engine).to.equal('espeak'); // Kazoo's local engine
  });

  it('runs one synthesis for concurrent identical requests and leaves no temporary file', async () => {
    const text = `Concurrent ${randomBytes(3).toString('hex')}`;
    const before = tts.stats();
    const other = make(); // a second process would do the same: both write, rename is atomic
    const results = await Promise.all([...Array(6)].map((_, i) => (i % 2 ? other : tts).speak(text)));
    expect(new Set(results.map((r) => r.file)).size).to.equal(1);
    const after = tts.stats();
    expect(after.misses - before.misses).to.equal(1);
    expect(after.joined - before.joined).to.equal(2);
    expect(soxInfo(results[0].file).rate).to.equal(8000);
    expect((await readdir(`${media.dir}/tts`)).filter((f) => f.includes('.tmp'))).to.deep.equal([]);
  });

  it('runs at most `concurrency` syntheses at once', async () => {
    const real = createEspeakEngine({ chrootDir: stackRoot() });
    let running = 0;
    let peak = 0;
    const counting: TtsEngine = {
      name: 'espeak',
      describe: (v) => real.describe(v),
      async synthesize(text, voice, signal) {
        peak = Math.max(peak, ++running);
        try {
          return await real.synthesize(text, voice, signal);
        } finally {
          running--;
        }
      },
    };
    const limited = make({ concurrency: 2, engines: [counting] });
    const texts = [...Array(8)].map((_, i) => `Number ${i} ${randomBytes(3).toString('hex')}`);
    const all = Promise.all(texts.map((t) => limited.speak(t)));
    let sawQueue = false;
    const watch = setInterval(() => (sawQueue ||= limited.stats().queued > 0), 1);
    await all;
    clearInterval(watch);
    expect(sawQueue).to.equal(true);
    expect(peak).to.equal(2);
    expect(limited.stats()).to.include({ misses: 8, active: 0, queued: 0 });
  });

  it('kills a synthesis that outlives the timeout and says so', async () => {
    const slow = make({ timeoutMs: 5 });
    const e = await rejected(slow.speak(`A long text ${'that goes on and on '.repeat(150)}`));
    expect(e.code).to.equal('timeout');
    expect(slow.stats().failures).to.equal(1);
    expect((await readdir(`${media.dir}/tts`)).filter((f) => f.includes('.tmp'))).to.deep.equal([]);
  });

  it('lets a caller stop waiting while the synthesis goes on into the cache', async () => {
    const text = `Hung up ${randomBytes(3).toString('hex')}`;
    const ac = new AbortController();
    const waiting = tts.speak(text, { signal: ac.signal });
    ac.abort();
    expect((await rejected(waiting)).code).to.equal('cancelled');
    const gone = new AbortController();
    gone.abort();
    expect((await rejected(tts.speak(`${text} again`, { signal: gone.signal }))).code).to.equal('cancelled');
    // The abandoned synthesis is not run again: this request joins it or finds its file.
    const misses = tts.stats().misses;
    const r = await tts.speak(text);
    expect(tts.stats().misses).to.equal(misses);
    expect(soxInfo(r.file).rate).to.equal(8000);
  });

  it('reports a missing espeak-ng as engine_unavailable', async () => {
    const broken = make({ espeak: { chrootDir: stackRoot(), espeakBin: 'no-such-espeak' } });
    expect((await rejected(broken.speak(`hello ${randomBytes(3).toString('hex')}`))).code).to.equal('engine_unavailable');
    const noSox = make({ espeak: { chrootDir: stackRoot(), soxBin: 'no-such-sox' } });
    expect((await rejected(noSox.speak(`hello ${randomBytes(3).toString('hex')}`))).code).to.equal('engine_unavailable');
    const noChroot = make({ espeak: { chrootDir: '/nonexistent-chroot' } });
    expect((await rejected(noChroot.speak(`hello ${randomBytes(3).toString('hex')}`))).code).to.equal('engine_unavailable');
  });
});
