// Sends a recording to an operator's URL the way Kazoo's media store does: the file is PUT (or POSTed)
// to `<url>/<media name>`, the media name being `call_recording_<call id>.<ext>` (kzc_recording).
import { readFile } from 'node:fs/promises';

export function recordingMediaName(callId: string, ext = 'wav'): string {
  return `call_recording_${callId}.${ext}`;
}

/** `<url without trailing slashes>/<name>` (Kazoo strips the URL's trailing `/` and joins with one). */
export function uploadUrl(url: string, name: string): string {
  return `${url.replace(/\/+$/, '')}/${encodeURIComponent(name)}`;
}

/** Uploads a wav file; resolves with the HTTP status, rejects on network errors or after `timeoutMs`. */
export async function uploadRecording(file: string, url: string, method: 'put' | 'post', timeoutMs = 30_000): Promise<number> {
  const body = await readFile(file);
  const res = await fetch(url, {
    method: method.toUpperCase(),
    headers: { 'Content-Type': 'audio/wav', 'Content-Length': String(body.length) },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer().catch(() => undefined);
  return res.status;
}
