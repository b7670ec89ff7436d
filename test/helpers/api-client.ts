// Test helper: the HTTP API of an EngineHarness, logged in with the master API key.
//
//   const client = await apiClient(h);
//   client.token                                        // the X-Auth-Token
//   const { status, body } = await client.api('PUT', '/callflows', { name, numbers, flow });  // {data} wrapped
//   const doc = await client.ok('GET', `/callflows/${id}`);   // body.data, throws on a status >= 300
//   const res = await client.fetch('/media/x/raw', init);     // the raw Response, with the token
//
// Paths are relative to the harness's account (`/v2/accounts/<account id>`).
import type { EngineHarness } from './engine-harness.ts';

/** A parsed API answer: the envelope's `data` and whatever else it carries (next_start_key, status...). */
export type ApiBody = { data: any; [key: string]: any }; // any: tests read whatever documents the API returns

export interface ApiClient {
  readonly token: string;
  /** A JSON request (`data` sent as `{ data }`): its status and parsed body, whatever the status. */
  api(method: string, path: string, data?: unknown): Promise<{ status: number; body: ApiBody }>;
  /** Like `api`, but returns `body.data` and throws on a status of 300 or more. */
  ok(method: string, path: string, data?: unknown): Promise<any>;
  /** A raw request under the account, with the token and a JSON content type (both overridable by `init`). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** An API token for the harness's master key (PUT /v2/api_auth). */
export async function apiToken(h: EngineHarness): Promise<string> {
  const res = await fetch(`${h.baseUrl}/v2/api_auth`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }),
  });
  const token = ((await res.json()) as { auth_token?: string }).auth_token;
  if (!token) throw new Error(`api_auth with the master key failed: ${res.status}`);
  return token;
}

export async function apiClient(h: EngineHarness): Promise<ApiClient> {
  const token = await apiToken(h);
  const base = `${h.baseUrl}/v2/accounts/${h.accountId}`;
  const raw = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  const api = async (method: string, path: string, data?: unknown) => {
    const res = await raw(path, { method, body: data === undefined ? undefined : JSON.stringify({ data }) });
    return { status: res.status, body: (await res.json()) as ApiBody };
  };
  return {
    token,
    api,
    async ok(method, path, data) {
      const { status, body } = await api(method, path, data);
      if (status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(body)}`);
      return body.data;
    },
    fetch: raw,
  };
}
