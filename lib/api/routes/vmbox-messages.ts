// Voicemail messages of a box, as Kazoo's Crossbar serves them:
//   GET /v2/accounts/{account_id}/vmboxes/{id}/messages                 the box's messages (`?folder=new|saved|deleted`;
//                                                                        deleted ones only when asked for)
//   GET /v2/accounts/{account_id}/vmboxes/{id}/messages/{media_id}      one message's metadata
//   GET /v2/accounts/{account_id}/vmboxes/{id}/messages/{media_id}/raw  its audio (the message's media document)
// A message's id is its `media_id` (Kazoo's message id). Messages live in the box's `messages` array
// (written by the voicemail module, lib/voicemail); the audio is a media document like any other.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { requireDocs, send, type ApiContext } from '../context.ts';
import { ApiError, NotFoundError } from '../errors.ts';
import type { ApiRouter, ApiServices } from '../services.ts';
import { DOC_ID } from '../services.ts';
import { loadDocument } from './documents.ts';

interface Message {
  media_id: string;
  folder?: string;
  [field: string]: unknown;
}

const FOLDERS = new Set(['new', 'saved', 'deleted']);

async function messagesOf(ctx: ApiContext): Promise<{ box: Record<string, unknown>; messages: Message[] }> {
  // Fresh: the voicemail module writes messages outside the API (no cache invalidation).
  const box = await loadDocument(ctx, 'vmboxes', { fresh: true });
  const list = Array.isArray(box.messages) ? box.messages : [];
  return { box, messages: list.filter((m): m is Message => !!m && typeof m === 'object' && typeof (m as Message).media_id === 'string') };
}

async function messageOf(ctx: ApiContext): Promise<Message> {
  const id = ctx.params.msg_id;
  if (!id || !DOC_ID.test(id)) throw new NotFoundError();
  const { messages } = await messagesOf(ctx);
  const found = messages.find((m) => m.media_id === id);
  if (!found) throw new NotFoundError();
  return found;
}

export function registerVmboxMessageRoutes(router: ApiRouter, s: ApiServices): void {
  const base = '/accounts/:account_id/vmboxes/:id/messages';

  router.get(base, s.auth, s.access, async (ctx) => {
    const folder = typeof ctx.query.folder === 'string' ? ctx.query.folder : undefined;
    if (folder !== undefined && !FOLDERS.has(folder)) {
      throw new ApiError(400, 'invalid request', { folder: { enum: { message: 'folder must be new, saved or deleted', value: folder } } });
    }
    const { messages } = await messagesOf(ctx);
    const shown = messages.filter((m) => (folder ? m.folder === folder : m.folder !== 'deleted'));
    send(ctx, 200, shown);
  });

  router.get(`${base}/:msg_id`, s.auth, s.access, async (ctx) => {
    send(ctx, 200, await messageOf(ctx));
  });

  router.get(`${base}/:msg_id/raw`, s.auth, s.access, async (ctx) => {
    const message = await messageOf(ctx);
    const media = await requireDocs(ctx).get('media', message.media_id, { fresh: true });
    if (!media || typeof media.file !== 'string' || typeof media.pvt_media_ext !== 'string') {
      throw new ApiError(404, 'bad identifier', { message: 'the audio of this message is missing' });
    }
    const full = path.join(s.mediaDir, `${media.file}.${media.pvt_media_ext}`);
    const info = await stat(full).catch(() => undefined);
    if (!info) throw new ApiError(404, 'bad identifier', { message: 'the audio file of this message is missing' });
    ctx.status = 200;
    ctx.type = typeof media.pvt_content_type === 'string' ? media.pvt_content_type : 'application/octet-stream';
    ctx.length = info.size;
    ctx.set('Content-Disposition', `attachment; filename="${media._id}.${media.pvt_media_ext}"`);
    ctx.body = createReadStream(full);
  });
}
