// The account's pivot signing secret (see lib/pivot/signature.ts):
//   GET /v2/accounts/{id}/pivot_secret   the secret, made on first use (a pivot server needs it to verify)
//   PUT /v2/accounts/{id}/pivot_secret   a new secret (rotation); requests already in flight keep the old one
// Unlike API keys it is stored as is: ariflow signs with it, so it must be able to read it back. It lives
// in `pvt_pivot_secret`, so account reads never show it and account updates never drop it.
// Pivot exchanges themselves are read with the call: GET /v2/accounts/{id}/calls/{call_id} → attributes.pivot.
import { requireAccount, send } from '../context.ts';
import type { ApiRouter, ApiServices } from '../services.ts';
import { newPivotSecret, SECRET_FIELD, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../pivot/signature.ts';

const scheme = {
  signature_header: SIGNATURE_HEADER,
  timestamp_header: TIMESTAMP_HEADER,
  algorithm: 'HMAC-SHA256 over "<timestamp>.<payload>" (payload: POST body, or GET query string), hex, prefixed v1=',
};

export function registerPivotRoutes(router: ApiRouter, s: ApiServices): void {
  const path = '/accounts/:account_id/pivot_secret';

  router.get(path, s.auth, s.access, async (ctx) => {
    const id = requireAccount(ctx)._id;
    // Conditional first write: two readers racing on first use get the same secret.
    await s.accounts.col.updateOne({ _id: id, [SECRET_FIELD]: { $exists: false } } as never, { $set: { [SECRET_FIELD]: newPivotSecret() } });
    s.accounts.invalidate(id);
    const account = await s.accounts.getFresh(id);
    send(ctx, 200, { pivot_secret: account?.[SECRET_FIELD], ...scheme });
  });

  router.put(path, s.auth, s.access, async (ctx) => {
    const id = requireAccount(ctx)._id;
    const secret = newPivotSecret();
    await s.accounts.col.updateOne({ _id: id }, { $set: { [SECRET_FIELD]: secret } });
    s.accounts.invalidate(id);
    send(ctx, 201, { pivot_secret: secret, ...scheme });
  });
}
