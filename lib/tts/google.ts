// Google Cloud Text-to-Speech through the official client (gRPC). LINEAR16 at 8 kHz comes back with
// a WAV header, which is read and replaced by one whose sizes are right.
import { TextToSpeechClient, type protos } from '@google-cloud/text-to-speech';
import { credentials as grpcCredentials, status as grpcStatus } from '@grpc/grpc-js';
import type { TtsEngine } from './engine.ts';
import { TtsError } from './errors.ts';
import { googleVoice, type VoiceRequest } from './voices.ts';
import { checkPlayable, isRiff, parseWav, type PcmAudio } from './wav.ts';

export interface GoogleTtsOptions {
  /** `host:port` of another endpoint (regional, or a local test server); default texttospeech.googleapis.com:443. */
  apiEndpoint?: string;
  /** Plain-text gRPC (a local test server). Default: true only when apiEndpoint is a loopback address. */
  insecure?: boolean;
  /** An API key; otherwise Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS...). */
  apiKey?: string;
  /** A service-account key file, instead of GOOGLE_APPLICATION_CREDENTIALS. */
  keyFilename?: string;
  /** 8000 (default, written as .wav) or 16000 (.sln16). */
  sampleRate?: 8000 | 16000;
  /** gRPC deadline of one request. */
  timeoutMs?: number;
}

export function splitEndpoint(endpoint: string): { host: string; port?: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(endpoint) ?? /^([^:]+)(?::(\d+))?$/.exec(endpoint);
  if (!m) throw new TtsError('unreachable', `"${endpoint}" is not host:port`, 'google');
  return { host: m[1], port: m[2] ? Number(m[2]) : undefined };
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

/** gRPC status → our codes; the caller decides whether to fall back. */
function toTtsError(err: unknown): TtsError {
  if (err instanceof TtsError) return err;
  const e = err as { code?: unknown; details?: string; message?: string };
  const msg = e?.details || e?.message || String(err);
  switch (e?.code) {
    case grpcStatus.UNAVAILABLE:
      return new TtsError('unreachable', msg, 'google', { cause: err });
    case grpcStatus.DEADLINE_EXCEEDED:
    case grpcStatus.CANCELLED:
      return new TtsError('timeout', msg, 'google', { cause: err });
    case grpcStatus.UNAUTHENTICATED:
    case grpcStatus.PERMISSION_DENIED:
      return new TtsError('auth', msg, 'google', { cause: err });
    case grpcStatus.INVALID_ARGUMENT:
    case grpcStatus.NOT_FOUND:
      return new TtsError(/voice/i.test(msg) ? 'unsupported_voice' : 'synthesis_failed', msg, 'google', { cause: err });
  }
  // google-auth-library, before any request: "Could not load the default credentials", bad key files...
  if (/credential|api key|private key|token/i.test(msg)) return new TtsError('auth', msg, 'google', { cause: err });
  return new TtsError('synthesis_failed', msg, 'google', { cause: err });
}

/** Setting up the channel failed: loading credentials, most of the time. */
function initError(err: unknown): TtsError {
  const e = err as { code?: unknown; message?: string };
  const msg = e?.message ?? String(err);
  if (typeof e?.code === 'string' && /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(e.code)) {
    return new TtsError('unreachable', `while loading credentials: ${msg}`, 'google', { cause: err });
  }
  return new TtsError('auth', `cannot load Google credentials: ${msg}`, 'google', { cause: err });
}

/** Rejects with the signal's reason as soon as it aborts (the promise itself goes on). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createGoogleEngine(opts: GoogleTtsOptions = {}): TtsEngine {
  const rate = opts.sampleRate ?? 8000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let client: Promise<TextToSpeechClient> | undefined;

  function createClient(): TextToSpeechClient {
    const endpoint = opts.apiEndpoint ? splitEndpoint(opts.apiEndpoint) : undefined;
    const insecure = opts.insecure ?? (endpoint ? isLoopback(endpoint.host) : false);
    return new TextToSpeechClient({
      ...(endpoint && { apiEndpoint: endpoint.host, port: endpoint.port ?? 443 }),
      ...(insecure && { sslCreds: grpcCredentials.createInsecure() }),
      ...(opts.apiKey && { apiKey: opts.apiKey }),
      ...(opts.keyFilename && { keyFilename: opts.keyFilename }),
      // Saves google-auth-library from probing for a universe domain (a metadata-server round trip).
      universeDomain: 'googleapis.com',
    });
  }

  // The client initialises lazily inside each method as `initialize().catch(e => { throw e })`, which
  // is an unhandled rejection (a crash) when credentials cannot be loaded. Initialise it here, where
  // the failure is caught, and start over next time (the key file may be fixed meanwhile).
  function getClient(): Promise<TextToSpeechClient> {
    if (!client) {
      const c = createClient();
      client = c.initialize().then(
        () => c,
        (err: unknown) => {
          client = undefined;
          c.close().catch(() => {});
          throw initError(err);
        },
      );
    }
    return client;
  }

  return {
    name: 'google',

    describe(voice: VoiceRequest): string {
      const v = googleVoice(voice);
      return `google|${v.name ?? ''}|${v.languageCode}|${v.ssmlGender ?? ''}|${rate}`;
    },

    async synthesize(text: string, voice: VoiceRequest, signal: AbortSignal): Promise<PcmAudio> {
      if (signal.aborted) throw signal.reason;
      let call: (Promise<unknown> & { cancel?: () => void }) | undefined;
      const onAbort = () => call?.cancel?.();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        // No retries: a TTS prompt that is late is worse than a fallback prompt now.
        const c = await abortable(getClient(), signal);
        call = c.synthesizeSpeech(
          { input: { text }, voice: googleVoice(voice), audioConfig: { audioEncoding: 'LINEAR16', sampleRateHertz: rate } },
          { timeout: timeoutMs, retry: null },
        );
        const [response] = (await call) as [protos.google.cloud.texttospeech.v1.ISynthesizeSpeechResponse, ...unknown[]];
        const content = response.audioContent;
        const bytes = typeof content === 'string' ? Buffer.from(content, 'base64') : Buffer.from(content ?? []);
        if (bytes.length === 0) throw new TtsError('bad_audio', 'empty audioContent', 'google');
        if (!isRiff(bytes)) return { pcm: bytes.length % 2 ? bytes.subarray(0, -1) : bytes, sampleRate: rate };
        const wav = parseWav(bytes);
        checkPlayable(wav);
        if (wav.pcm.length === 0) throw new TtsError('bad_audio', 'no samples in audioContent', 'google');
        return { pcm: wav.pcm, sampleRate: wav.sampleRate };
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw toTtsError(err);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },

    async close() {
      const c = client;
      client = undefined;
      await c?.then((x) => x.close(), () => {});
    },
  };
}
