// The HTTP transport under ari-client's REST calls. ari-client builds each request through swagger-client
// 2.0, which sends it with `shred`: a cookie jar, a logger, header case-folding and a deprecated `new Buffer()`
// per response, measured as about a quarter of ariflow's CPU per call; and a request whose socket fails
// (ARI down, connection refused) never settles. This replaces swagger-client's HTTP step with one node:http request
// over a keep-alive agent. swagger-client's contract is kept: `on.response` for 2xx, `on.error` for an HTTP
// error, with `{ status, headers, data (the body as text), obj (parsed JSON), url, method }`; a socket error
// goes to `on.error` at once as `{ status: 0, data: <the error> }` (ari-client rejects with that text).
import http from 'node:http';
import https from 'node:https';

/** The request swagger-client hands to its HTTP client. */
interface SwaggerRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  on: { response(res: SwaggerResponse): void; error(res: SwaggerResponse): void; redirect?(res: SwaggerResponse): void };
}

interface SwaggerResponse {
  url: string;
  method: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  data: string;
  obj?: unknown;
}

// Idle sockets close before Asterisk's own keep-alive limit (http.conf session_keep_alive, 15 s by default),
// so a request is rarely sent on a socket the server is closing; one that is gets a single retry.
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: 10_000 }),
  'https:': new https.Agent({ keepAlive: true, timeout: 10_000 }),
};

function send(req: SwaggerRequest, retried: boolean): void {
  const url = new URL(req.url);
  const lib = url.protocol === 'https:' ? https : http;
  const body = req.body === undefined || req.body === null || req.body === '' ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string | number> = { ...req.headers };
  if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
  const method = req.method.toUpperCase();
  const out = lib.request(url, { method, headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', (err) => req.on.error({ url: req.url, method, status: 0, headers: {}, data: err.message }));
    res.on('end', () => {
      const data = Buffer.concat(chunks).toString('utf8');
      const status = res.statusCode ?? 0;
      const response: SwaggerResponse = { url: req.url, method, status, headers: res.headers, data };
      const type = res.headers['content-type'] ?? '';
      if (type.startsWith('application/json') || type.includes('+json')) {
        try {
          response.obj = data === '' ? {} : JSON.parse(data);
        } catch {
          /* ari-client parses `data` itself and reports a bad body */
        }
      }
      if (status >= 400) req.on.error(response);
      else if (status >= 300 && req.on.redirect) req.on.redirect(response);
      else req.on.response(response);
    });
  });
  out.on('error', (err: NodeJS.ErrnoException) => {
    // The server closed a kept-alive socket as this request went out on it: nothing was processed.
    if (!retried && out.reusedSocket && err.code === 'ECONNRESET') return send(req, true);
    req.on.error({ url: req.url, method, status: 0, headers: {}, data: `${err.code ?? err.name}: ${err.message}` });
  });
  out.end(body);
}

/** Installs the transport into swagger-client (the copy ari-client loads), in place of shred. Idempotent. */
export function installAriHttp(swagger: { SwaggerHttp?: { prototype: { execute(obj: unknown): unknown } } }): void {
  const proto = swagger.SwaggerHttp?.prototype as { execute(obj: unknown): unknown; ariflow?: boolean } | undefined;
  if (!proto || proto.ariflow) return;
  proto.execute = (obj: unknown) => send(obj as SwaggerRequest, false);
  proto.ariflow = true;
}
