// Records what the caller says (message style) and uploads it to a URL.
// Kazoo: cf_record_caller, module name `record_caller`.
import { next, stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { recordingMediaName, uploadRecording, uploadUrl } from '../lib/recording/upload.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'record_caller',
  summary: 'Answer, record the caller until a key or the time limit, upload, then continue.',
  schema: moduleData({
    url: { type: 'string' },
    format: { type: 'string', enum: ['mp3', 'wav'] },
    method: { type: 'string', enum: ['put', 'post'], default: 'put' },
    time_limit: { type: 'integer', minimum: 5, maximum: 10800, default: 3600 },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const url = typeof data.url === 'string' ? data.url.trim() : '';
    // Kazoo: nowhere to store the recording → skip.
    if (!/^https?:\/\//i.test(url)) return next('no url to store the recording');
    await ctx.call.answer();
    const rec = ctx.media.newRecording();
    // Any key ends it; recorded as wav whatever `format` says.
    const r = await ctx.call.record({ path: rec.path, maxDurationSec: Number(data.time_limit ?? 3600), terminateOn: 'any' });
    const target = uploadUrl(url, recordingMediaName(ctx.call.id));
    const info: Record<string, unknown> = { url: target, duration_ms: r.durationMs, end_reason: r.reason };
    ctx.attributes.record_caller = info;
    try {
      if (!r.file) return r.reason === 'hangup' ? stop('caller hung up; nothing recorded') : next('nothing recorded');
      // The upload runs to its end even when the caller has hung up (the file is what matters).
      const status = await uploadRecording(r.file, target, data.method === 'post' ? 'post' : 'put');
      info.upload_status = status;
      const what = status >= 200 && status < 300 ? 'uploaded' : `upload answered ${status}`;
      return r.reason === 'hangup' ? stop(`caller hung up; ${what}`) : next(what);
    } catch (err) {
      info.upload_error = (err as Error).message;
      return r.reason === 'hangup' ? stop('caller hung up; upload failed') : next(`upload failed: ${(err as Error).message}`);
    } finally {
      await ctx.media.discardRecording(rec);
    }
  },
};

export default definition;
