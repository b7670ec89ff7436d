// PjsipConfigPort over ARI's REST API with Node's fetch: PUT/GET/DELETE
// /ari/asterisk/config/dynamic/res_pjsip/{type}/{id} and GET /ari/endpoints/PJSIP/{id}, each with a
// timeout (an unreachable Asterisk must not hang an API request). Kept apart from ari-client so the
// API never loads it.
import type { PjsipType } from './pjsip.ts';
import type { PjsipConfigPort } from './provisioner.ts';

export class AriPjsipError extends Error {
  constructor(readonly operation: string, readonly status: number | undefined, detail: string) {
    super(`ARI ${operation}: ${status ? `HTTP ${status} ` : ''}${detail}`);
    this.name = 'AriPjsipError';
  }
}

export function createAriPjsipConfig(opts: { url: string; username: string; password: string; timeoutMs: number }): Required<PjsipConfigPort> {
  const base = `${opts.url.replace(/\/+$/, '')}/ari`;
  const authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;

  async function call(operation: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: authorization, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      throw new AriPjsipError(operation, undefined, e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : e.cause?.code ?? e.message);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  const objectPath = (type: string, id: string) => `/asterisk/config/dynamic/res_pjsip/${type}/${encodeURIComponent(id)}`;

  function fieldsOf(json: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (Array.isArray(json)) for (const f of json as Array<{ attribute?: unknown; value?: unknown }>) if (typeof f.attribute === 'string') out[f.attribute] = String(f.value ?? '');
    return out;
  }

  function fail(operation: string, status: number, json: unknown): never {
    const message = typeof json === 'object' && json && 'message' in json ? String((json as { message: unknown }).message) : String(json ?? '');
    throw new AriPjsipError(operation, status, message);
  }

  return {
    async pushPjsipObject(type, id, fields) {
      const op = `push ${type} ${id}`;
      const { status, json } = await call(op, 'PUT', objectPath(type, id), { fields: Object.entries(fields).map(([attribute, value]) => ({ attribute, value })) });
      if (status !== 200) fail(op, status, json);
    },
    async deletePjsipObject(type, id) {
      const op = `delete ${type} ${id}`;
      const { status, json } = await call(op, 'DELETE', objectPath(type, id));
      if (status !== 204 && status !== 200 && status !== 404) fail(op, status, json);
    },
    async getPjsipObject(type: PjsipType | 'contact', id: string) {
      const op = `get ${type} ${id}`;
      const { status, json } = await call(op, 'GET', objectPath(type, id));
      if (status === 404) return undefined;
      if (status !== 200) fail(op, status, json);
      return fieldsOf(json);
    },
    async getEndpointState(id) {
      const op = `get endpoint state ${id}`;
      const { status, json } = await call(op, 'GET', `/endpoints/PJSIP/${encodeURIComponent(id)}`);
      if (status === 404) return undefined;
      if (status !== 200) fail(op, status, json);
      return { state: String((json as { state?: unknown }).state ?? 'unknown') };
    },
  };
}
