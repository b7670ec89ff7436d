// Asks the caller for a 5-digit ZIP code and routes by ZIP rules (lists, ranges, prefixes).
// Not a Kazoo module: CallScaler's "ZIP routing" step. The ZIP stays on the call (attributes.zip,
// collected.zip) for later steps (tag_route, rtb, pivot) and the call record.
import { child, next, type CallContext, type ModuleDefinition } from '../lib/engine/module.ts';
import { isZip, routeZip, ZIP_LENGTH, type ZipRule } from '../lib/tracking/zip.ts';
import { mediaRef, moduleData } from './schema-parts.ts';

interface ZipRouteData {
  media_id?: string;
  text?: string;
  voice?: string;
  language?: string;
  invalid_media_id?: string;
  invalid_text?: string;
  retries: number;
  timeout: number;
  interdigit_timeout: number;
  rules: ZipRule[];
}

const DEFAULT_PROMPT = 'Please enter your five digit ZIP code.';
const DEFAULT_INVALID = 'menu-invalid_entry';

/** A prompt given as media, else as text to speak; undefined when neither is set (and no default). */
async function prompt(ctx: CallContext, media: string | undefined, text: string | undefined, data: ZipRouteData): Promise<string[]> {
  if (media) return ctx.media.resolve(media, ctx.language);
  if (!text) return [];
  try {
    return [await ctx.media.speak(text, { voice: data.voice, language: data.language ?? ctx.language })];
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, 'zip_route: tts failed');
    return [];
  }
}

const definition: ModuleDefinition = {
  name: 'zip_route',
  summary: 'Ask for a 5-digit ZIP code (retrying invalid input) and take the child of the first rule it falls under.',
  schema: moduleData({
    media_id: { ...mediaRef, description: 'Prompt media; without it `text` is spoken.' },
    text: { type: 'string', minLength: 1, maxLength: 1000, default: DEFAULT_PROMPT },
    voice: { type: 'string', default: 'female' },
    language: { type: 'string' },
    invalid_media_id: { ...mediaRef, default: DEFAULT_INVALID, description: 'Played after an invalid entry (unless invalid_text is set).' },
    invalid_text: { type: 'string', minLength: 1, maxLength: 1000 },
    retries: { type: 'integer', minimum: 1, maximum: 10, default: 3, description: 'Attempts before giving up (Kazoo menu style: 3 = three tries).' },
    timeout: { type: 'integer', minimum: 1000, default: 7000, description: 'ms to wait for the first digit.' },
    interdigit_timeout: { type: 'integer', minimum: 500, default: 3000, description: 'ms between digits.' },
    rules: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['key'],
        properties: {
          key: { type: 'string', minLength: 1, description: 'Child key taken when the ZIP matches this rule.' },
          zips: { type: 'array', items: { type: 'string', pattern: '^\\d{5}$' } },
          ranges: {
            type: 'array',
            items: {
              anyOf: [
                { type: 'string', pattern: '^\\s*\\d{1,5}\\s*-\\s*\\d{1,5}\\s*$' },
                { type: 'object', required: ['from', 'to'], properties: { from: { type: ['string', 'integer'] }, to: { type: ['string', 'integer'] } } },
              ],
            },
          },
          prefixes: { type: 'array', items: { type: 'string', pattern: '^\\d{1,5}$' } },
        },
      },
    },
  }),
  children: ['*', '_', 'max_retries'],
  implemented: true,
  async run(ctx, raw) {
    const data = raw as unknown as ZipRouteData;
    await ctx.call.answer();
    const ask = await prompt(ctx, data.media_id, data.media_id ? undefined : data.text, data);
    const invalid = data.invalid_text ? await prompt(ctx, undefined, data.invalid_text, data) : await prompt(ctx, data.invalid_media_id, undefined, data);
    const entered: string[] = [];
    for (let attempt = 1; attempt <= data.retries; attempt++) {
      // The prompt stops at the first key, which stays buffered for the collection.
      if (ask.length) await ctx.call.play(ask, { terminators: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '#', '*'] });
      const r = await ctx.call.collectDigits({ maxDigits: ZIP_LENGTH, timeoutMs: data.timeout, interdigitMs: data.interdigit_timeout, terminators: ['#'] });
      ctx.call.flushDigits();
      if (isZip(r.digits)) {
        ctx.attributes.zip = r.digits;
        ctx.collected.zip = r.digits;
        const rule = routeZip(r.digits, data.rules ?? []);
        if (rule) return child(rule.key, `zip ${r.digits} → ${rule.key}`);
        return next(`zip ${r.digits}: no rule`);
      }
      entered.push(r.digits || `(${r.reason})`);
      if (invalid.length) await ctx.call.play(invalid);
    }
    ctx.attributes.zip_attempts = entered;
    const reason = `no valid zip after ${data.retries} tries: ${entered.join(', ')}`;
    return ctx.childKeys?.includes('max_retries') ? child('max_retries', reason) : next(reason);
  },
};

export default definition;
