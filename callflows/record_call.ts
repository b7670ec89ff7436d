// Starts or stops recording both directions of this call leg.
// Kazoo: cf_record_call, module name `record_call`.
import { next, type CallContext, type ModuleDefinition, type NewRecording } from '../lib/engine/module.ts';
import type { CallControl, CallRecording } from '../lib/callcontrol/port.ts';
import { recordingMediaName, uploadRecording, uploadUrl } from '../lib/recording/upload.ts';
import { moduleData } from './schema-parts.ts';

/** The recordings running on each call, so a later `action: stop` node finds them. */
const running = new WeakMap<CallControl, CallRecording[]>();

interface RecordCallData {
  action?: string;
  url?: string;
  method?: 'put' | 'post';
  time_limit?: number;
  record_min_sec?: number;
  media_name?: string;
  label?: string;
}

/** What happens to the file once the recording has ended: a media document, or an upload to `url`. */
async function keep(ctx: CallContext, data: RecordCallData, rec: NewRecording, entry: Record<string, unknown>, recording: CallRecording): Promise<void> {
  const result = await recording.done;
  entry.duration_ms = result.durationMs;
  entry.end_reason = result.reason;
  if (!result.file || result.durationMs < (data.record_min_sec ?? 0) * 1000) {
    await ctx.media.discardRecording(rec);
    entry.status = 'discarded';
    return;
  }
  if (data.url) {
    const target = uploadUrl(data.url, recordingMediaName(ctx.call.id));
    try {
      entry.upload_status = await uploadRecording(rec.path, target, data.method ?? 'put');
      entry.status = 'uploaded';
    } catch (err) {
      entry.status = 'upload failed';
      ctx.logger.warn({ err: (err as Error).message, url: target }, 'record_call: upload failed');
    }
    await ctx.media.discardRecording(rec);
    return;
  }
  const saved = await ctx.media.saveRecording(rec, {
    name: data.media_name ?? recordingMediaName(ctx.call.id),
    description: 'call recording',
    source_type: 'call_recording',
    origin: `callflow : ${String(entry.label ?? '')}`,
    call_id: ctx.call.id,
    length: result.durationMs,
  });
  entry.status = saved ? 'saved' : 'missing';
}

const definition: ModuleDefinition = {
  name: 'record_call',
  summary: 'Start (or stop) call recording, optionally uploading to url, then continue at once.',
  schema: moduleData({
    action: { type: 'string', enum: ['start', 'stop'], default: 'start' },
    format: { type: 'string', enum: ['mp3', 'wav'] },
    url: { type: 'string' },
    method: { type: 'string', enum: ['put', 'post'], default: 'put' },
    time_limit: { type: 'integer', minimum: 5, maximum: 10800, default: 3600 },
    record_on_answer: { type: 'boolean', default: false },
    record_on_bridge: { type: 'boolean', default: false },
    record_min_sec: { type: 'integer', minimum: 0 },
    record_sample_rate: { type: 'integer', minimum: 1 },
    media_name: { type: 'string' },
    label: { type: 'string', description: 'Defaults to the callflow name.' },
    origin: { type: 'string' },
    should_follow_transfer: { type: 'boolean', default: true },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, raw) {
    const data = raw as RecordCallData;
    const mine = running.get(ctx.call) ?? [];
    if (data.action === 'stop') {
      if (!mine.length) return next('no recording running');
      running.delete(ctx.call);
      await Promise.all(mine.map((r) => r.stop()));
      return next('recording stopped');
    }
    // Like Kazoo, one recording per call leg: a second start while one runs does nothing.
    if (mine.length) return next('already recording');
    // Recorded as wav whatever `format` says (mp3 would need an encoder); record_on_answer/_bridge are
    // moot here: ariflow's calls are answered by the flow, and the snoop hears a bridge's audio too.
    const rec = ctx.media.newRecording();
    const recording = await ctx.call.recordCall({ path: rec.path, maxDurationSec: data.time_limit ?? 3600 });
    running.set(ctx.call, [recording]);
    const label = data.label ?? (ctx.callflowId ? (await ctx.data.get<{ name?: string }>('callflows', ctx.callflowId))?.name : undefined);
    const entry: Record<string, unknown> = { media_id: rec.mediaId, started_at: new Date().toISOString(), format: 'wav', ...(label ? { label } : {}), ...(data.url ? { url: data.url } : {}) };
    const list = Array.isArray(ctx.attributes.recordings) ? (ctx.attributes.recordings as unknown[]) : [];
    ctx.attributes.recordings = [...list, entry];
    keep(ctx, data, rec, entry, recording).catch((err: Error) => ctx.logger.error({ err }, 'record_call: keeping the recording failed'));
    return next('recording started');
  },
};

export default definition;
