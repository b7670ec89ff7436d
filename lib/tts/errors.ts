// The one error type of the TTS boundary: callers (the tts/say modules) catch it and fall back to
// another engine or a prompt, so `code` says what went wrong without parsing messages.

export type TtsErrorCode =
  | 'empty_text' // nothing to say
  | 'text_too_long' // over the configured character limit
  | 'unknown_engine' // no engine of that name is configured
  | 'unsupported_voice' // the engine has no such voice/language
  | 'engine_unavailable' // the binary / library is missing
  | 'unreachable' // a remote engine could not be reached
  | 'auth' // bad or missing credentials
  | 'timeout' // synthesis took longer than allowed
  | 'cancelled' // the caller stopped waiting (its signal aborted: the call hung up)
  | 'bad_audio' // the engine returned audio we cannot turn into a playable file
  | 'synthesis_failed'; // anything else the engine reported

export class TtsError extends Error {
  constructor(
    readonly code: TtsErrorCode,
    message: string,
    readonly engine?: string,
    options?: { cause?: unknown },
  ) {
    super(engine ? `tts ${engine}: ${message}` : `tts: ${message}`, options);
    this.name = 'TtsError';
  }
}

export const isTtsError = (e: unknown): e is TtsError => e instanceof TtsError;
