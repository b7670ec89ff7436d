// What a speech engine must do for the cache in index.ts: name what shapes its audio (for the cache
// key) and turn text into 16-bit mono PCM. Files, caching, limits and timeouts live in index.ts.
import type { VoiceRequest } from './voices.ts';
import type { PcmAudio } from './wav.ts';

export interface TtsEngine {
  /** The name requests select it by (`espeak`, `google`). */
  readonly name: string;
  /**
   * Everything besides the text that determines the audio, as a stable string: part of the cache key.
   * Throws TtsError('unsupported_voice') for a voice the engine cannot honour, before any work is done.
   */
  describe(voice: VoiceRequest): string;
  /** 16-bit mono PCM at 8000 Hz (written as .wav) or 16000 Hz (written as .sln16). Stops when `signal` aborts. */
  synthesize(text: string, voice: VoiceRequest, signal: AbortSignal): Promise<PcmAudio>;
  /** Releases connections (gRPC channels...). */
  close?(): Promise<void>;
}
