// Helpers for the carrier tests: an API client with the master key's token, carriers created through the
// API (so their trunks are pushed into Asterisk as the product does), and waiting for those trunks.
import { apiClient, type ApiClient } from '../../helpers/api-client.ts';
import type { EngineHarness } from '../../helpers/engine-harness.ts';

/** `api(method, path, data?)` → the response's data (throws on >= 300); `api.raw(...)` → { status, body }. */
export interface Api {
  (method: string, p: string, data?: unknown): Promise<Record<string, unknown>>;
  raw: ApiClient['api'];
}

export async function apiFor(h: EngineHarness): Promise<Api> {
  const client = await apiClient(h);
  return Object.assign((method: string, p: string, data?: unknown) => client.ok(method, p, data), { raw: client.api });
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
