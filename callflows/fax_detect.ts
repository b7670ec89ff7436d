// Listens for a fax machine's calling tone for a few seconds and branches on the result.
// Kazoo: cf_fax_detect, module name `fax_detect`.
//
// Kazoo starts the switch's fax detector for `duration` seconds (code default 5): a CNG tone (1100 Hz,
// 0.5 s on / 3 s off) takes `ON_FAX`, silence or speech until the end takes `ON_VOICE`; either falls back
// to `_`. The call is answered first: a detector hears nothing on an unanswered call, and Kazoo users put
// fax_detect at the top of main-number flows expecting it to work there.
import { child, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

/** CNG, the tone a calling fax machine repeats (ITU-T T.30). */
const CNG_HZ = 1100;
/** A CNG burst lasts 0.5 s ±15 %; shorter blips (speech) do not count. */
const CNG_MIN_MS = 350;
/** Kazoo does not bound `duration`; a flow is not meant to listen for longer than this. */
const MAX_DURATION_S = 600;

const definition: ModuleDefinition = {
  name: 'fax_detect',
  summary: 'Detect CNG tone; take `ON_FAX` or `ON_VOICE` (else `_`).',
  schema: moduleData({
    duration: { type: 'integer', minimum: 1, default: 5, description: 'Seconds to listen.' },
  }),
  children: ['ON_FAX', 'ON_VOICE', '_'],
  implemented: true,
  async run(ctx, data) {
    const seconds = Math.min(MAX_DURATION_S, Math.max(1, Number(data.duration) || 5));
    await ctx.call.answer();
    const result = await ctx.call.detectTone({ frequencyHz: CNG_HZ, minDurationMs: CNG_MIN_MS, timeoutMs: seconds * 1000 });
    const note = result.caveat ? ` (${result.caveat})` : '';
    if (result.caveat) ctx.logger.warn({ caveat: result.caveat }, 'fax detection may be unreliable');
    return result.detected ? child('ON_FAX', `fax tone detected${note}`) : child('ON_VOICE', `no fax tone in ${seconds} s${note}`);
  },
};

export default definition;
