// Recordings over ARI. Asterisk records a channel (POST /channels/{id}/record) into its own spool; the file is
// then downloaded (GET /recordings/stored/{name}/file), written into ariflow's media folder and deleted from
// Asterisk. Downloading instead of reading Asterisk's spool works wherever Asterisk runs (the local chroot, a
// container, another host), and the media folder stays the one place ariflow keeps audio.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.ts';
import { AriRequestError } from './ari-errors.ts';
import type { AriEvent, AriLiveRecording } from './ari-types.ts';
import type { AriRest } from './rest.ts';

/** Routes the Recording* events of one recording (by name) to a handler; returns the unsubscribe. */
export type WatchRecording = (name: string, handler: (e: AriEvent) => void) => () => void;

/** How often the end of a recording is polled, in case its RecordingFinished is lost (websocket gap). */
const POLL_MS = 3000;

/** A fresh recording name: fixed length (Asterisk 22 checks some names by prefix) and file-system safe. */
export function recordingName(): string {
  return `ariflow-${randomBytes(16).toString('hex')}`;
}

/**
 * Length of a PCM WAV file in ms, from its `fmt ` byte rate and `data` chunk size (bounded by the bytes
 * present: a file cut short counts what it holds). 0 when it is not a WAV or holds no audio.
 */
export function wavDurationMs(buf: Buffer): number {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') return 0;
  let byteRate = 0;
  for (let at = 12; at + 8 <= buf.length; ) {
    const id = buf.toString('latin1', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ' && body + 12 <= buf.length) byteRate = buf.readUInt32LE(body + 8);
    if (id === 'data') {
      if (!byteRate) return 0;
      const bytes = Math.min(size, buf.length - body);
      return Math.round((bytes * 1000) / byteRate);
    }
    at = body + size + (size % 2);
  }
  return 0;
}

/**
 * The end of recording `name`: its RecordingFinished / RecordingFailed event, or (event lost) the moment
 * GET /recordings/live/{name} answers 404, which resolves with undefined. `cancel` stops waiting.
 */
export function recordingEnd(
  rest: AriRest,
  watch: WatchRecording | undefined,
  name: string,
): { promise: Promise<AriLiveRecording | undefined>; cancel(): void } {
  let unwatch: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  let resolveEnd!: (r: AriLiveRecording | undefined) => void;
  const promise = new Promise<AriLiveRecording | undefined>((resolve) => {
    resolveEnd = resolve;
  });
  const finish = (r: AriLiveRecording | undefined) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    unwatch?.();
    resolveEnd(r);
  };
  unwatch = watch?.(name, (e) => {
    if ((e.type === 'RecordingFinished' || e.type === 'RecordingFailed') && e.recording) finish(e.recording);
  });
  const poll = () => {
    timer = setTimeout(() => {
      rest.call('recordings.getLive', (c) => c.recordings.getLive({ recordingName: name })).then(
        () => !settled && poll(),
        (err: unknown) => {
          if (err instanceof AriRequestError && err.notFound) finish(undefined);
          else if (!settled) poll();
        },
      );
    }, POLL_MS);
    timer.unref();
  };
  poll();
  return { promise, cancel: () => finish(undefined) };
}

/**
 * Moves stored recording `name` (wav) to `file`: downloaded, written atomically (Asterisk never plays a
 * half-written file), then deleted from Asterisk. Nothing is written when Asterisk has no audio for it.
 */
export async function collectRecording(rest: AriRest, logger: Logger, name: string, file: string): Promise<{ file?: string; durationMs: number }> {
  const bytes = await rest.download(`/recordings/stored/${encodeURIComponent(name)}/file`);
  if (!bytes) return { durationMs: 0 };
  const durationMs = wavDurationMs(bytes);
  try {
    if (durationMs === 0) return { durationMs: 0 };
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file).catch(async (err) => {
      await rm(tmp, { force: true });
      throw err;
    });
    return { file, durationMs };
  } finally {
    await rest
      .call('recordings.deleteStored', (c) => c.recordings.deleteStored({ recordingName: name }))
      .catch((err: Error) => logger.warn({ recording: name, err: err.message }, 'deleting a stored recording from Asterisk failed'));
  }
}
