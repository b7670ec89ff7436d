// Accounts (Crossbar):
//   GET    /v2/accounts/{id}                the account
//   PUT    /v2/accounts/{parent_id}         create a child account
//   POST   /v2/accounts/{id}  PATCH …       change it
//   DELETE /v2/accounts/{id}                delete it with all its documents (not the token's own
//                                           account, not an account that still has children)
//   GET    /v2/accounts/{id}/children       direct children;  …/descendants: the whole subtree
//   GET    /v2/accounts/{id}/api_key        whether a key is set (keys are stored hashed, see below)
//   PUT    /v2/accounts/{id}/api_key        create a new key, returned once
//
// API keys are stored as SHA-256 only, so unlike Kazoo GET …/api_key cannot return the key: it says
// whether one is set and when it was made. A key is shown exactly once, by the PUT that creates it.
// A parent's token already reaches its descendants, so scripts need not log in with a child's key.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { AccountDoc } from '../../accounts/accounts.ts';
import { addError, ValidationError } from '../../validation/errors.ts';
import { validateDocument } from '../../validation/documents/index.ts';
import { readEnvelope } from '../body.ts';
import { requireAccount, requireDocs, send, type ApiContext } from '../context.ts';
import { DOCUMENT_COLLECTIONS, toApi, userFields, type StoredDoc } from '../documents.ts';
import { ConflictError, ForbiddenError } from '../errors.ts';
import { encodeStartKey, pageOf, type Query } from '../query.ts';
import type { ApiRouter, ApiServices } from '../services.ts';
import { checkRevision, expectedRevision, mergePatch } from './documents.ts';
import type { DeviceLike } from '../../devices/pjsip.ts';

function validateAccountFields(fields: Record<string, unknown>): void {
  const result = validateDocument('accounts', fields);
  if (!result.ok) throw new ValidationError(result.errors);
}

function accountSummary(a: AccountDoc) {
  return { id: a._id, name: a.name, ...(typeof a.realm === 'string' ? { realm: a.realm } : {}), parent_id: a.parent_id };
}

export function registerAccountRoutes(router: ApiRouter, s: ApiServices): void {
  const one = '/accounts/:account_id';

  router.get(one, s.auth, s.access, async (ctx) => {
    const account = requireAccount(ctx);
    send(ctx, 200, { ...toApi('accounts', account), parent_id: account.parent_id }, { revision: account.pvt_rev });
  });

  router.put(one, s.auth, s.access, async (ctx) => {
    const parent = requireAccount(ctx);
    const { data } = await readEnvelope(ctx.req);
    const fields = userFields('accounts', data);
    validateAccountFields(fields);
    const child = await s.accounts.create(parent, fields);
    send(ctx, 201, { ...toApi('accounts', child), parent_id: child.parent_id }, { revision: child.pvt_rev });
  });

  const change = (patch: boolean) => async (ctx: ApiContext) => {
    const { data } = await readEnvelope(ctx.req);
    const current = await s.accounts.getFresh(requireAccount(ctx)._id);
    if (!current) throw new ConflictError('the account was deleted meanwhile');
    checkRevision(current as unknown as StoredDoc, expectedRevision(ctx, data));
    const next = patch ? (mergePatch(userFields('accounts', current), data) as Record<string, unknown>) : data;
    const fields = userFields('accounts', next);
    validateAccountFields(fields);
    const saved = await s.accounts.replaceFields(current, fields);
    if (!saved) throw new ConflictError('the account was changed by another request; fetch it again and retry');
    s.onChange?.({ accountId: saved._id, collection: 'accounts', id: saved._id, action: 'updated' });
    send(ctx, 200, { ...toApi('accounts', saved), parent_id: saved.parent_id }, { revision: saved.pvt_rev });
  };
  router.post(one, s.auth, s.access, change(false));
  router.patch(one, s.auth, s.access, change(true));

  router.delete(one, s.auth, s.access, async (ctx) => {
    const account = requireAccount(ctx);
    if (account._id === ctx.state.auth?.accountId) throw new ForbiddenError('an account cannot delete itself');
    if (account.pvt_master) throw new ForbiddenError('the master account cannot be deleted');
    if (await s.accounts.hasChildren(account._id)) {
      const errors = {};
      addError(errors, 'account', 'children', { message: 'delete the child accounts first' });
      throw new ValidationError(errors);
    }
    const docs = requireDocs(ctx);
    // Devices leave Asterisk first; then documents, claims, tokens, media files and the account itself.
    if (s.devices) {
      for (const d of await docs.list('devices', { limit: 0, filter: { 'sip.username': { $exists: true } }, projection: { _id: 1, sip: 1 } })) {
        await s.devices.remove(d as DeviceLike).catch((err: Error) => s.logger.warn({ device_id: d._id, err: err.message }, 'removing a device from Asterisk failed'));
      }
    }
    for (const c of DOCUMENT_COLLECTIONS) await docs.removeAll(c);
    await s.claims.numbers.releaseAccount(account._id);
    await s.claims.sipUsernames.releaseAccount(account._id);
    await s.tokens.revokeAccount(account._id);
    await rm(path.join(s.mediaDir, account._id), { recursive: true, force: true });
    await s.accounts.remove(account._id);
    s.onChange?.({ accountId: account._id, collection: 'accounts', id: account._id, action: 'deleted' });
    send(ctx, 200, { ...toApi('accounts', account), _read_only: { deleted: true } });
  });

  const below = (descendants: boolean) => async (ctx: ApiContext) => {
    const page = pageOf(ctx.query as Query);
    const rows = await s.accounts.below(requireAccount(ctx)._id, { descendants, startAfter: page.startAfter, limit: page.limit + 1 });
    const more = rows.length > page.limit;
    const items = (more ? rows.slice(0, page.limit) : rows).map(accountSummary);
    send(ctx, 200, items, {
      page_size: items.length,
      ...(page.startKey ? { start_key: page.startKey } : {}),
      ...(more && page.paginated ? { next_start_key: encodeStartKey(items[items.length - 1].id) } : {}),
    });
  };
  router.get(`${one}/children`, s.auth, s.access, below(false));
  router.get(`${one}/descendants`, s.auth, s.access, below(true));

  router.get(`${one}/api_key`, s.auth, s.access, async (ctx) => {
    const account = (await s.accounts.getFresh(requireAccount(ctx)._id)) ?? requireAccount(ctx);
    send(ctx, 200, {
      api_key: null,
      has_api_key: typeof account.pvt_api_key_hash === 'string',
      ...(typeof account.pvt_api_key_created === 'number' ? { api_key_created: account.pvt_api_key_created } : {}),
      message: 'API keys are stored hashed and shown only once, by PUT on this path (which replaces the key)',
    });
  });

  router.put(`${one}/api_key`, s.auth, s.access, async (ctx) => {
    const account = requireAccount(ctx);
    const key = await s.accounts.regenerateApiKey(account._id);
    send(ctx, 201, { api_key: key });
  });
}
