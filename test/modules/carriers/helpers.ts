// Helpers for the carrier tests: an API client with the master key's token, carriers created through the
// API (so their trunks are pushed into Asterisk as the product does), and waiting for those trunks.
import { EngineHarness } from '../../helpers/engine-harness.ts';

export interface Api {
  (method: string, p: string, data?: unknown): Promise<Record<string, unknown>>;
  raw(method: string, p: string, data?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

export async function apiFor(h: EngineHarness): Promise<Api> {
  const auth = await fetch(`${h.baseUrl}/v2/api_auth`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }),
  });
  const token = ((await auth.json()) as { auth_token: string }).auth_token;
  const raw = async (method: string, p: string, data?: unknown) => {
    const res = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}${p}`, {
      method,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: data === undefined ? undefined : JSON.stringify({ data }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const api = (async (method: string, p: string, data?: unknown) => {
    const { status, body } = await raw(method, p, data);
    if (status >= 300) throw new Error(`${method} ${p}: ${status} ${JSON.stringify(body)}`);
    return body.data as Record<string, unknown>;
  }) as Api;
  api.raw = raw;
  return api;
}

/** The PJSIP object of a trunk, or undefined. */
export function trunkObject(h: EngineHarness, type: 'endpoint' | 'aor' | 'auth', id: string) {
  return h.app.ari.pjsip.getPjsipObject(type, id);
}

export async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Creates a carrier over the API with one gateway at 127.0.0.1:<port> and waits for its trunk in Asterisk. */
export async function carrier(h: EngineHarness, api: Api, port: number, extra: Record<string, unknown> = {}, gateway: Record<string, unknown> = {}): Promise<string> {
  const doc = await api('PUT', '/resources', { name: `carrier ${port}`, gateways: [{ server: '127.0.0.1', port, ...gateway }], ...extra });
  const id = String(doc.id);
  await waitFor(`trunk of ${id}`, () => trunkObject(h, 'endpoint', `carrier-${id}-0`), (v) => v !== undefined);
  return id;
}

export const beep = { module: 'play', data: { id: 'beep' } };
