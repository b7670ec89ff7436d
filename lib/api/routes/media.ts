// Media audio, stored where Asterisk can play it: <mediaDir>/<account_id>/<media_id>.<ext> (the
// media folder is shared with Asterisk at the same path; lib/media/resolver.ts plays `file`).
//   POST /v2/accounts/{account_id}/media/{id}/raw   upload (Content-Type audio/wav, audio/x-wav,
//        audio/mpeg, audio/gsm; at most 20 MiB); PUT accepted too
//   GET  /v2/accounts/{account_id}/media/{id}/raw   download
// Text-to-speech media (`media_source: "tts"`, `tts: {text, voice}`) has no stored audio: it is
// synthesised when played (lib/tts), so its /raw answers 404 with that explanation.
// Files are stored as uploaded; Asterisk plays 8 kHz mono 16-bit WAV and GSM natively.
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { mediaTypeOf, readRaw } from '../body.ts';
import { requireAccount, requireDocs, send, type ApiContext } from '../context.ts';
import { toApi } from '../documents.ts';
import { ApiError, BadRequestError, NotFoundError, UnsupportedMediaTypeError } from '../errors.ts';
import type { ApiRouter, ApiServices } from '../services.ts';
import { loadDocument } from './documents.ts';
import { parseWav } from '../../tts/wav.ts';
import { writeUlawCopy } from '../../media/ulaw.ts';

export const MEDIA_LIMIT = 20 * 1024 * 1024;

const TYPES: Record<string, { ext: string; contentType: string }> = {
  'audio/wav': { ext: 'wav', contentType: 'audio/wav' },
  'audio/x-wav': { ext: 'wav', contentType: 'audio/wav' },
  'audio/wave': { ext: 'wav', contentType: 'audio/wav' },
  'audio/vnd.wave': { ext: 'wav', contentType: 'audio/wav' },
  'audio/mpeg': { ext: 'mp3', contentType: 'audio/mpeg' },
  'audio/mp3': { ext: 'mp3', contentType: 'audio/mpeg' },
  'audio/gsm': { ext: 'gsm', contentType: 'audio/gsm' },
  'audio/x-gsm': { ext: 'gsm', contentType: 'audio/gsm' },
};

/** A cheap look at the first bytes, so a JSON or HTML body sent as audio/wav is refused. */
function looksLike(ext: string, buf: Buffer): boolean {
  if (buf.length === 0) return false;
  if (ext === 'wav') return buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WAVE';
  if (ext === 'mp3') return buf.toString('latin1', 0, 3) === 'ID3' || (buf.length >= 2 && buf[0] === 0xff && (buf[1] & 0xe0) === 0xe0);
  return true; // raw GSM frames have no header
}

/** Writes `<base>.ulaw` for telephone-band PCM WAVs; false when the WAV is anything else or writing failed. */
async function ulawFromWav(base: string, bytes: Buffer): Promise<boolean> {
  let wav: ReturnType<typeof parseWav>;
  try {
    wav = parseWav(bytes);
  } catch {
    return false;
  }
  if (wav.format !== 1 || wav.channels !== 1 || wav.bitsPerSample !== 16 || wav.sampleRate !== 8000) return false;
  return (await writeUlawCopy(base, wav.pcm)) === undefined;
}

export function registerMediaRoutes(router: ApiRouter, s: ApiServices): void {
  const upload = async (ctx: ApiContext) => {
    const type = mediaTypeOf(ctx.get('content-type'));
    const known = TYPES[type];
    if (!known) {
      ctx.req.resume();
      throw new UnsupportedMediaTypeError(type, Object.keys(TYPES));
    }
    const current = await loadDocument(ctx, 'media', { fresh: true });
    const bytes = await readRaw(ctx.req, MEDIA_LIMIT);
    if (!looksLike(known.ext, bytes)) {
      throw new BadRequestError('invalid media', { message: `the body is not ${known.ext === 'wav' ? 'a WAV (RIFF/WAVE)' : known.ext.toUpperCase()} file` });
    }
    const accountId = requireAccount(ctx)._id;
    const dir = path.join(s.mediaDir, accountId);
    await mkdir(dir, { recursive: true });
    const file = `${accountId}/${current._id}`;
    const target = path.join(s.mediaDir, `${file}.${known.ext}`);
    // Write then rename: Asterisk never plays a half-written file.
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, target).catch(async (err) => {
      await rm(tmp, { force: true });
      throw err;
    });
    const previousExt = typeof current.pvt_media_ext === 'string' ? current.pvt_media_ext : undefined;
    if (previousExt && previousExt !== known.ext) await rm(path.join(s.mediaDir, `${file}.${previousExt}`), { force: true });
    // An 8 kHz 16-bit mono WAV also gets a µ-law copy that µ-law calls stream without transcoding; any other
    // upload must not leave the copy of an earlier one behind (Asterisk would play the old audio).
    const base = path.join(s.mediaDir, file);
    if (!(known.ext === 'wav' && (await ulawFromWav(base, bytes)))) await rm(`${base}.ulaw`, { force: true });
    const doc = await requireDocs(ctx).setServerFields('media', current._id, {
      file,
      pvt_media_ext: known.ext,
      pvt_content_type: known.contentType,
      pvt_content_length: bytes.length,
    });
    if (!doc) throw new NotFoundError();
    s.onChange?.({ accountId, collection: 'media', id: doc._id, action: 'updated' });
    send(ctx, 200, toApi('media', doc), { revision: doc.pvt_rev });
  };
  router.post('/accounts/:account_id/media/:id/raw', s.auth, s.access, upload);
  router.put('/accounts/:account_id/media/:id/raw', s.auth, s.access, upload);

  router.get('/accounts/:account_id/media/:id/raw', s.auth, s.access, async (ctx) => {
    const doc = await loadDocument(ctx, 'media');
    if (typeof doc.file !== 'string' || typeof doc.pvt_media_ext !== 'string') {
      const tts = doc.media_source === 'tts';
      throw new ApiError(404, 'bad identifier', {
        message: tts ? 'text-to-speech media has no stored audio: it is synthesised when played' : 'no audio has been uploaded for this media',
      });
    }
    const full = path.join(s.mediaDir, `${doc.file}.${doc.pvt_media_ext}`);
    const info = await stat(full).catch(() => undefined);
    if (!info) throw new ApiError(404, 'bad identifier', { message: 'the audio file of this media is missing' });
    ctx.status = 200;
    ctx.type = typeof doc.pvt_content_type === 'string' ? doc.pvt_content_type : 'application/octet-stream';
    ctx.length = info.size;
    ctx.set('Content-Disposition', `attachment; filename="${doc._id}.${doc.pvt_media_ext}"`);
    ctx.body = createReadStream(full);
  });

}
