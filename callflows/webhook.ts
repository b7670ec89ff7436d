// Sends the call's details (plus custom_data) to an HTTP(S) URL, then continues.
// Kazoo: cf_webhook, module name `webhook`.
//
// Kazoo hands the hook to its webhooks app and continues at once. Here the call waits for the
// delivery, but never longer than req_timeout_ms (default 3 s), so its result is in the call's trace;
// every outcome (success, HTTP error, timeout, bad URL) continues to `_`. A hangup cancels it.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { deliverWebhook, webhookUrl, type WebhookFormat, type WebhookMethod } from '../lib/webhooks/deliver.ts';
import { callPayload, withCustomData } from '../lib/webhooks/payload.ts';
import { moduleData } from './schema-parts.ts';

/** Kazoo documents retries 0..4 (default 2): extra attempts after the first. */
const MAX_RETRIES = 4;

const definition: ModuleDefinition = {
  name: 'webhook',
  summary: 'Send the call record (plus custom_data) to uri, then continue.',
  schema: moduleData({
    uri: { type: 'string', pattern: '^https?://' },
    http_verb: { type: 'string', enum: ['post', 'get'], default: 'post' },
    retries: { type: 'integer', minimum: 0, default: 2, description: 'Extra attempts after a failed one (at most 4 are made).' },
    custom_data: { type: 'object', description: 'Added to the payload, over the call fields.' },
    format: {
      type: 'string',
      enum: ['form-data', 'json'],
      default: 'form-data',
      description: 'POST body format, as Kazoo webhooks (`form-data` or `json`); GET always uses a query string.',
    },
    req_timeout_ms: {
      type: 'integer',
      minimum: 100,
      maximum: 30000,
      default: 3000,
      description: 'The call waits at most this long for the whole delivery (retries included).',
    },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const uri = typeof data.uri === 'string' ? data.uri : '';
    try {
      webhookUrl(uri);
    } catch (err) {
      ctx.logger.warn({ uri: uri.slice(0, 200) }, 'webhook not sent: bad uri');
      return next(`webhook not sent: ${(err as Error).message}`);
    }
    const method: WebhookMethod = String(data.http_verb).toLowerCase() === 'get' ? 'get' : 'post';
    const format: WebhookFormat = data.format === 'json' ? 'json' : 'form-data';
    const retries = Math.min(MAX_RETRIES, Math.max(0, Number(data.retries) || 0));
    const body = withCustomData(callPayload(ctx), data.custom_data);
    const result = await deliverWebhook(
      { uri, method, format, body },
      { attempts: 1 + retries, timeoutMs: Number(data.req_timeout_ms), signal: ctx.call.signal },
    );
    const target = new URL(uri).host;
    if (result.ok) return next(`webhook ${method.toUpperCase()} ${target}: ${result.status}`);
    ctx.logger.warn({ host: target, method, attempts: result.attempts, status: result.status, error: result.error }, 'webhook failed');
    return next(`webhook failed (${method.toUpperCase()} ${target}, ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}): ${result.error}`);
  },
};

export default definition;
