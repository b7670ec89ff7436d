// Sends DTMF tones to the caller.
// Kazoo: cf_send_dtmf, module name `send_dtmf`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

/** Asterisk's gap between two digits, and its `w` / `W` pauses. */
const BETWEEN_MS = 100;
const PAUSE_MS: Record<string, number> = { w: 500, W: 1000 };

/** How long sending `digits` takes, so the next node (a hangup…) does not cut it short. */
export function dtmfDurationMs(digits: string, durationMs: number): number {
  let ms = 0;
  for (const d of digits) ms += PAUSE_MS[d] ?? durationMs + BETWEEN_MS;
  return ms;
}

const definition: ModuleDefinition = {
  name: 'send_dtmf',
  summary: 'Send the digits as DTMF, then continue.',
  schema: moduleData(
    {
      digits: { type: 'string', pattern: '^[0-9A-Da-d*#wW]+$', description: 'w/W = pause.' },
      duration_ms: { type: 'integer', minimum: 1, default: 2000, description: 'Per digit.' },
    },
    ['digits'],
  ),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const digits = typeof data.digits === 'string' ? data.digits : typeof data.digits === 'number' ? String(data.digits) : '';
    if (!/^[0-9A-Da-d*#wW]+$/.test(digits)) return next(digits ? `invalid digits ${JSON.stringify(digits)}` : 'no digits');
    const duration = Number(data.duration_ms) > 0 ? Number(data.duration_ms) : 2000;
    await ctx.call.sendDtmf(digits.replace(/[a-d]/g, (c) => c.toUpperCase()), { durationMs: duration });
    // ARI queues the digits and answers at once; Kazoo's next command would wait behind them.
    await ctx.call.sleep(dtmfDurationMs(digits, duration));
    return next(`sent ${digits} (${duration} ms each)`);
  },
};

export default definition;
