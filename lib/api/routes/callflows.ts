// Callflow extras:
//   PUT /v2/accounts/{account_id}/callflows/{id}/duplicate   copy named "Copy of <name>", without
//       numbers or patterns (data may set name/numbers/patterns of the copy); POST accepted too
//   PUT /v2/accounts/{account_id}/callflows/{id}/numbers     {"data": {"numbers": [...], "patterns": [...]}}
//       adds many numbers/patterns at once, all or nothing (400 `unique` names every conflict)
import { readEnvelope } from '../body.ts';
import { send, type ApiContext } from '../context.ts';
import { toApi, userFields } from '../documents.ts';
import { BadRequestError } from '../errors.ts';
import { writerFor, type ApiRouter, type ApiServices } from '../services.ts';
import { checkRevision, expectedRevision, loadDocument } from './documents.ts';

export function registerCallflowRoutes(router: ApiRouter, s: ApiServices): void {
  const duplicate = async (ctx: ApiContext) => {
    const { data } = await readEnvelope(ctx.req, { optional: true });
    const original = await loadDocument(ctx, 'callflows');
    const copy = userFields('callflows', original);
    delete copy.numbers;
    delete copy.patterns;
    delete copy.featurecode; // a feature code is tied to its number
    copy.name = `Copy of ${typeof original.name === 'string' && original.name ? original.name : original._id}`;
    for (const key of ['name', 'numbers', 'patterns'] as const) if (Object.hasOwn(data, key)) copy[key] = data[key];
    const { doc, warnings } = await writerFor(ctx, s).create('callflows', copy, { allowNoNumbers: true });
    send(ctx, 201, toApi('callflows', doc), { revision: doc.pvt_rev, ...(warnings.length ? { warnings } : {}) });
  };
  router.put('/accounts/:account_id/callflows/:id/duplicate', s.auth, s.access, duplicate);
  router.post('/accounts/:account_id/callflows/:id/duplicate', s.auth, s.access, duplicate);

  const assign = async (ctx: ApiContext) => {
    const { data } = await readEnvelope(ctx.req);
    const adds: Record<'numbers' | 'patterns', unknown[]> = { numbers: [], patterns: [] };
    for (const key of ['numbers', 'patterns'] as const) {
      if (!Object.hasOwn(data, key)) continue;
      if (!Array.isArray(data[key])) throw new BadRequestError('validation error', { [key]: { type: { message: 'must be an array', target: 'array' } } });
      adds[key] = data[key] as unknown[];
    }
    if (adds.numbers.length + adds.patterns.length === 0) {
      throw new BadRequestError('validation error', { numbers: { required: { message: 'give the numbers (or patterns) to assign' } } });
    }
    const current = await loadDocument(ctx, 'callflows', { fresh: true });
    checkRevision(current, expectedRevision(ctx, data));
    const next = userFields('callflows', current);
    for (const key of ['numbers', 'patterns'] as const) {
      if (adds[key].length === 0) continue;
      const have = Array.isArray(next[key]) ? (next[key] as unknown[]) : [];
      next[key] = [...have, ...adds[key].filter((v) => !have.includes(v))];
    }
    const { doc, warnings } = await writerFor(ctx, s).update('callflows', current, next);
    send(ctx, 200, toApi('callflows', doc), { revision: doc.pvt_rev, ...(warnings.length ? { warnings } : {}) });
  };
  router.put('/accounts/:account_id/callflows/:id/numbers', s.auth, s.access, assign);
  router.post('/accounts/:account_id/callflows/:id/numbers', s.auth, s.access, assign);
}
