// Authentication (Crossbar):
//   PUT    /v2/api_auth    {"data": {"api_key": "..."}} → 201, `auth_token` in the envelope (POST accepted)
//   GET    /v2/token_auth  the calling token's account and expiry
//   DELETE /v2/token_auth  revokes the calling token
import { readEnvelope } from '../body.ts';
import { send, type ApiContext } from '../context.ts';
import { BadRequestError, UnauthorizedError } from '../errors.ts';
import { tokenOf } from '../middleware.ts';
import type { ApiRouter, ApiServices } from '../services.ts';

export function registerAuthRoutes(router: ApiRouter, s: ApiServices): void {
  const apiAuth = async (ctx: ApiContext) => {
    const { data } = await readEnvelope(ctx.req);
    const key = data.api_key;
    if (typeof key !== 'string' || key.length === 0 || key.length > 256) {
      throw new BadRequestError('validation error', { api_key: { required: { message: 'an api_key string is required' } } });
    }
    const account = await s.accounts.findByApiKey(key);
    if (!account) throw new UnauthorizedError('invalid api key');
    const { token, expiresAt } = await s.tokens.issue(account._id);
    ctx.state.auth = { accountId: account._id, token };
    send(ctx, 201, {
      account_id: account._id,
      account_name: account.name,
      is_master: account.pvt_master === true,
      expires_at: expiresAt.toISOString(),
      expires_in: s.tokens.ttlSeconds,
    });
  };
  router.put('/api_auth', apiAuth);
  router.post('/api_auth', apiAuth);

  router.get('/token_auth', s.auth, async (ctx) => {
    const info = await s.tokens.verify(tokenOf(ctx));
    send(ctx, 200, { account_id: info?.accountId, expires_at: info?.expiresAt.toISOString() });
  });

  router.delete('/token_auth', s.auth, async (ctx) => {
    await s.tokens.revoke(tokenOf(ctx));
    ctx.state.auth = undefined;
    send(ctx, 200, { revoked: true });
  });
}
