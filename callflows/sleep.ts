// Waits for a while without answering.
// Kazoo: cf_sleep, module name `sleep`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'sleep',
  summary: 'Pause for duration units (at most 24 h), then continue.',
  schema: moduleData({
    duration: { type: 'integer', minimum: 0, maximum: 86400000, default: 0 },
    unit: { type: 'string', enum: ['ms', 's', 'm', 'h'], default: 's' },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    const ms = Math.min(Math.max(0, Number(data.duration) || 0) * (unitMs[String(data.unit)] ?? 1000), 86_400_000);
    await ctx.call.sleep(ms);
    return next(`slept ${ms} ms`);
  },
};

export default definition;
