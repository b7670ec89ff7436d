// Text to speech for callflows: engine selection, a file cache keyed by what shapes the audio, atomic
// writes, a bound on text length and on concurrent syntheses. Asterisk plays the result as `sound:<path>`.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../log.ts';
import type { TtsEngine } from './engine.ts';
import { createEspeakEngine, type EspeakOptions } from './espeak.ts';
import { TtsError } from './errors.ts';
import { createGoogleEngine, type GoogleTtsOptions } from './google.ts';
import { parseVoice } from './voices.ts';
import { writeUlawCopy } from '../media/ulaw.ts';
import { durationSeconds, encodeWav, type PcmAudio } from './wav.ts';

export type { TtsEngine } from './engine.ts';
export type { EspeakOptions } from './espeak.ts';
export type { GoogleTtsOptions } from './google.ts';
export { TtsError, isTtsError, type TtsErrorCode } from './errors.ts';
export { createEspeakEngine } from './espeak.ts';
export { createGoogleEngine } from './google.ts';
export { loadTtsConfig } from './config.ts';

export interface TtsOptions {
  /** Files go to `<mediaDir>/tts/`; must be a path Asterisk sees as the same path. */
  mediaDir: string;
  logger?: Logger;
  /** Engine of requests that name none: `espeak` (default) or `google`. */
  defaultEngine?: string;
  /** Kazoo style: `female` (default), `male`, `female/en-US`, or an engine's own voice name. */
  defaultVoice?: string;
  defaultLanguage?: string;
  /** Longest text accepted, in characters (default 4000). */
  maxChars?: number;
  /** Syntheses running at once per engine (default 4); more wait in line. */
  concurrency?: number;
  /** Longest a request may take, waiting in line included (default 20 s). */
  timeoutMs?: number;
  espeak?: EspeakOptions;
  google?: GoogleTtsOptions;
  /** Engines to add or to use instead of the built-in ones of the same name. */
  engines?: TtsEngine[];
}

export interface TtsSpeakOptions {
  /** `espeak` / `google`; Kazoo's `flite` and `espeak-ng` mean espeak. */
  engine?: string;
  voice?: string;
  language?: string;
  /** Stops waiting (the call hung up); the synthesis itself goes on for the cache. */
  signal?: AbortSignal;
}

export interface SpeakResult {
  /** Absolute path: 8 kHz mono 16-bit .wav, or 16 kHz .sln16. */
  file: string;
  /** `sound:<file without extension>`, what ARI's play takes. */
  uri: string;
  engine: string;
  /** true when the file was there already (no synthesis). */
  cached: boolean;
}

export interface TtsStats {
  hits: number;
  misses: number;
  /** Requests that waited for an identical synthesis already running. */
  joined: number;
  failures: number;
  /** Syntheses running and waiting for a slot, all engines. */
  active: number;
  queued: number;
}

export interface Tts {
  speak(text: string, opts?: TtsSpeakOptions): Promise<SpeakResult>;
  stats(): TtsStats;
  readonly engines: string[];
  readonly dir: string;
  close(): Promise<void>;
}

const aliases: Record<string, string> = { 'espeak-ng': 'espeak', flite: 'espeak', 'google-cloud': 'google', google_cloud: 'google' };
// Part of every cache key: bump when the output of the same engine/voice/text changes.
const FORMAT = 'v1';
const EXT_BY_RATE: Record<number, string> = { 8000: 'wav', 16000: 'sln16' };
// C0 controls and DEL, bar tab and newline: never spoken, and some engines stop at NUL.
const controlChars = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}

export function createTts(opts: TtsOptions): Tts {
  const dir = path.join(path.resolve(opts.mediaDir), 'tts');
  const logger = opts.logger;
  const maxChars = opts.maxChars ?? 4000;
  const concurrency = opts.concurrency ?? 4;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const defaults = { voice: opts.defaultVoice ?? 'female', language: opts.defaultLanguage ?? 'en-US' };

  const engines = new Map<string, TtsEngine>();
  for (const e of [createEspeakEngine(opts.espeak), createGoogleEngine({ timeoutMs, ...opts.google }), ...(opts.engines ?? [])]) {
    engines.set(e.name, e);
  }
  const defaultEngine = aliases[opts.defaultEngine ?? ''] ?? opts.defaultEngine ?? 'espeak';
  if (!engines.has(defaultEngine)) throw new TtsError('unknown_engine', `default engine "${defaultEngine}" is not one of ${[...engines.keys()].join(', ')}`);

  const limits = new Map<string, LimitFunction>();
  const limitFor = (name: string) => {
    let l = limits.get(name);
    if (!l) limits.set(name, (l = pLimit(concurrency)));
    return l;
  };
  const inflight = new Map<string, Promise<SpeakResult>>();
  const counts = { hits: 0, misses: 0, joined: 0, failures: 0 };
  let dirReady: Promise<unknown> | undefined;

  // Creates the folder, and removes temporary files a killed process left behind (not recent ones:
  // another process may be writing them).
  async function prepareDir(): Promise<void> {
    await mkdir(dir, { recursive: true });
    const now = Date.now();
    for (const name of await readdir(dir)) {
      if (!name.startsWith('.') || !name.endsWith('.tmp')) continue;
      const f = path.join(dir, name);
      const st = await stat(f).catch(() => undefined);
      if (st && now - st.mtimeMs > 10 * 60_000) await rm(f, { force: true });
    }
  }

  function prepareText(raw: unknown): string {
    if (typeof raw !== 'string') throw new TtsError('empty_text', 'text must be a string');
    const text = raw.normalize('NFC').replace(controlChars, ' ').trim();
    if (!text) throw new TtsError('empty_text', 'nothing to say');
    const length = [...text].length;
    if (length > maxChars) throw new TtsError('text_too_long', `text is ${length} characters, the limit is ${maxChars}`);
    return text;
  }

  async function synthesise(engine: TtsEngine, text: string, voice: ReturnType<typeof parseVoice>, base: string): Promise<SpeakResult> {
    const signal = AbortSignal.timeout(timeoutMs);
    const t0 = performance.now();
    try {
      const audio: PcmAudio = await limitFor(engine.name)(() => {
        if (signal.aborted) throw signal.reason;
        return engine.synthesize(text, voice, signal);
      });
      const ext = EXT_BY_RATE[audio.sampleRate];
      if (!ext) throw new TtsError('bad_audio', `${audio.sampleRate} Hz audio; Asterisk plays 8000 (.wav) or 16000 (.sln16)`, engine.name);
      const file = `${base}.${ext}`;
      const tmp = path.join(dir, `.${path.basename(base)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      await (dirReady ??= prepareDir().catch((e) => ((dirReady = undefined), Promise.reject(e))));
      try {
        // The µ-law copy first: once the .wav exists the text counts as cached, and its calls should find both.
        if (ext === 'wav') {
          const failed = await writeUlawCopy(base, audio.pcm);
          if (failed) logger?.warn({ err: failed.message, file }, 'tts: no µ-law copy (the wav plays alone)');
        }
        await writeFile(tmp, ext === 'wav' ? encodeWav(audio) : audio.pcm, { mode: 0o644 });
        // rename is atomic: a reader (Asterisk, another process) sees no file or a whole one.
        await rename(tmp, file);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      logger?.info(
        { tts: engine.name, chars: text.length, seconds: Number(durationSeconds(audio).toFixed(2)), ms: Math.round(performance.now() - t0), file },
        'tts synthesised',
      );
      return { file, uri: `sound:${base}`, engine: engine.name, cached: false };
    } catch (err) {
      counts.failures++;
      const e =
        err instanceof TtsError
          ? err
          : signal.aborted
            ? new TtsError('timeout', `no audio after ${timeoutMs} ms`, engine.name, { cause: err })
            : new TtsError('synthesis_failed', (err as Error)?.message ?? String(err), engine.name, { cause: err });
      logger?.warn({ tts: engine.name, code: e.code, err: e.message }, 'tts failed');
      throw e;
    }
  }

  async function speak(rawText: string, o: TtsSpeakOptions = {}): Promise<SpeakResult> {
    if (o.signal?.aborted) throw new TtsError('cancelled', 'the caller stopped waiting', undefined, { cause: o.signal.reason });
    const text = prepareText(rawText);
    const requested = (o.engine ?? '').trim().toLowerCase();
    const name = requested ? aliases[requested] ?? requested : defaultEngine;
    const engine = engines.get(name);
    if (!engine) throw new TtsError('unknown_engine', `"${o.engine}" is not one of ${[...engines.keys()].join(', ')}`);
    const voice = parseVoice(o.voice, o.language, defaults);
    const hash = createHash('sha256').update(JSON.stringify([FORMAT, engine.describe(voice), text])).digest('hex').slice(0, 40);
    const base = path.join(dir, `${engine.name}-${hash}`);

    for (const ext of new Set(Object.values(EXT_BY_RATE))) {
      if (await exists(`${base}.${ext}`)) {
        counts.hits++;
        logger?.debug({ tts: engine.name, file: `${base}.${ext}` }, 'tts cache hit');
        return { file: `${base}.${ext}`, uri: `sound:${base}`, engine: engine.name, cached: true };
      }
    }
    let job = inflight.get(base);
    if (job) counts.joined++;
    else {
      counts.misses++;
      job = synthesise(engine, text, voice, base).finally(() => inflight.delete(base));
      inflight.set(base, job);
    }
    if (!o.signal) return job;
    const signal = o.signal;
    const cancelled = () => new TtsError('cancelled', 'the caller stopped waiting', engine.name, { cause: signal.reason });
    if (signal.aborted) {
      job.catch(() => {}); // logged and counted in synthesise; nobody waits for it here
      throw cancelled();
    }
    return new Promise<SpeakResult>((resolve, reject) => {
      const onAbort = () => reject(cancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      job.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  return {
    speak,
    dir,
    get engines() {
      return [...engines.keys()];
    },
    stats() {
      let active = 0;
      let queued = 0;
      for (const l of limits.values()) {
        active += l.activeCount;
        queued += l.pendingCount;
      }
      return { ...counts, active, queued };
    },
    async close() {
      await Promise.allSettled([...engines.values()].map((e) => e.close?.()));
    },
  };
}
