// Something for the caller to hear while the pivot server thinks: media or TTS, started only once the
// request has taken longer than `delayMs` (so fast servers are not preceded by a clipped sound), looped,
// and stopped the moment the answer (or a failure) is in. stop() never waits long: it aborts the
// playback and waits at most a few ms for it to end, so the next step starts on time.
import { CallGoneError } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';

export interface FillerSpec {
  /** Kazoo media reference (media id, prompt name, URL...). */
  media?: string;
  /** Text to speak instead. */
  text?: string;
  voice?: string;
  delayMs: number;
}

export interface Filler {
  /** Whether it got as far as starting a playback. */
  readonly played: boolean;
  stop(): Promise<void>;
}

const none: Filler = { played: false, stop: async () => {} };
/** The longest stop() waits for the playback to end before returning anyway. */
const STOP_WAIT_MS = 30;

export function startFiller(ctx: CallContext, spec: FillerSpec | undefined): Filler {
  if (!spec || (!spec.media && !spec.text)) return none;
  const ctrl = new AbortController();
  let played = false;
  let timer: NodeJS.Timeout | undefined;
  let release: () => void = () => {};
  const loop = new Promise<void>((resolve) => {
    release = resolve;
    timer = setTimeout(resolve, Math.max(0, spec.delayMs));
  }).then(async () => {
    if (ctrl.signal.aborted) return;
    const media = spec.text
      ? [await ctx.media.speak(spec.text, { voice: spec.voice, language: ctx.language })]
      : await ctx.media.resolve(spec.media!, ctx.language);
    if (!media.length || ctrl.signal.aborted) return;
    await ctx.call.answer();
    while (!ctrl.signal.aborted) {
      played = true;
      const r = await ctx.call.play(media, { signal: ctrl.signal });
      if (r.status === 'failed') return;
    }
  });
  // Failures of the filler (hang-up, missing media, TTS down) only end the filler.
  const settled = loop.catch((err: unknown) => {
    if (!(err instanceof CallGoneError)) ctx.logger.warn({ err: (err as Error).message }, 'pivot filler failed');
  });
  return {
    get played() {
      return played;
    },
    async stop() {
      clearTimeout(timer);
      ctrl.abort();
      release();
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([settled, new Promise<void>((r) => (wait = setTimeout(r, STOP_WAIT_MS)))]);
      clearTimeout(wait);
    },
  };
}
