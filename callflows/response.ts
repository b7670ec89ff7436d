// Answers the call attempt with a SIP final response (e.g. 486, 503), optionally after early media.
// Kazoo: cf_response, module name `response`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { mediaRef, moduleData } from './schema-parts.ts';

/**
 * Asterisk sends a SIP final response from the Q.850 cause of the hangup (chan_pjsip's mapping), so a SIP
 * code becomes the cause that maps back to it; codes without one become CALL_REJECTED (403/603).
 */
export function sipCodeToCause(code: number): string {
  const causes: Record<number, string> = {
    403: 'CALL_REJECTED', 404: 'UNALLOCATED_NUMBER', 408: 'NO_USER_RESPONSE', 410: 'NUMBER_CHANGED',
    480: 'NO_ANSWER', 484: 'INVALID_NUMBER_FORMAT', 486: 'USER_BUSY', 488: 'INCOMPATIBLE_DESTINATION',
    500: 'NORMAL_TEMPORARY_FAILURE', 502: 'DESTINATION_OUT_OF_ORDER', 503: 'NORMAL_CIRCUIT_CONGESTION',
    600: 'USER_BUSY', 603: 'CALL_REJECTED', 604: 'NO_ROUTE_DESTINATION',
  };
  return causes[code] ?? (code >= 500 ? 'NORMAL_TEMPORARY_FAILURE' : 'CALL_REJECTED');
}

const definition: ModuleDefinition = {
  name: 'response',
  summary: 'Reject or end the call with a SIP code and reason; ends the flow.',
  schema: moduleData({
    code: { type: 'integer', minimum: 100, maximum: 699, default: 486 },
    message: { type: 'string', description: 'Reason phrase or hangup cause text.' },
    media: { ...mediaRef, description: 'Played as early media before responding.' },
  }),
  children: [],
  implemented: true,
  async run(ctx, data) {
    if (typeof data.media === 'string' && data.media) {
      const media = await ctx.media.resolve(data.media, ctx.language);
      if (media.length) await ctx.call.play(media);
    }
    const code = Number(data.code) || 486;
    return { kind: 'hard_stop', cause: sipCodeToCause(code), reason: `SIP ${code}${data.message ? ` ${data.message}` : ''}` };
  },
};

export default definition;
