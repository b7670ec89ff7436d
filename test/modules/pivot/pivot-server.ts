// A real HTTP pivot server for tests, on 127.0.0.1: each path answers with a scripted behaviour (good
// answers and every way of misbehaving), and every request is recorded with when it arrived, its body,
// its signature headers and whether the client went away before the answer was complete.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  /** The raw query string (without `?`). */
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request arrived (same clock as the in-process ariflow). */
  arrivedAt: number;
  /** performance.now() when the connection closed before the response was complete (the client aborted). */
  abortedAt?: number;
  /** Resolves when the connection is gone (aborted or finished). */
  closed: Promise<void>;
  /** Parsed form or JSON body / query parameters. */
  params(): Record<string, string>;
}

export type Behaviour = (req: SeenRequest, res: http.ServerResponse) => void;

export class PivotServer {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, Behaviour>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<PivotServer> {
    const server = http.createServer();
    const s = new PivotServer(server);
    server.on('request', (req, res) => s.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string, behaviour: Behaviour): string {
    this.routes.set(path, behaviour);
    return this.url(path);
  }

  /** Requests to `path` so far. */
  to(path: string): SeenRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** The n-th (0-based) request to `path`, waiting up to timeoutMs for it. */
  async waitRequest(path: string, n = 0, timeoutMs = 5000): Promise<SeenRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.to(path)[n];
      if (r) return r;
      if (Date.now() > deadline) throw new Error(`no request #${n} to ${path} within ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 10));
    }
  }

  /** A timer owned by the server (cleared on close), for slow and trickling behaviours. */
  every(ms: number, fn: () => boolean | void): void {
    const t = setInterval(() => {
      if (fn() === false) {
        clearInterval(t);
        this.timers.delete(t);
      }
    }, ms);
    this.timers.add(t);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const arrivedAt = performance.now();
    const u = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    let resolveClosed!: () => void;
    const seen: SeenRequest = {
      method: req.method ?? '',
      path: u.pathname,
      query: u.search.slice(1),
      headers: req.headers,
      body: '',
      arrivedAt,
      closed: new Promise<void>((r) => (resolveClosed = r)),
      params() {
        const type = String(this.headers['content-type'] ?? '');
        if (this.method === 'POST' && type.startsWith('application/json')) return JSON.parse(this.body);
        return Object.fromEntries(new URLSearchParams(this.method === 'POST' ? this.body : this.query));
      },
    };
    res.on('close', () => {
      if (!res.writableFinished) seen.abortedAt = performance.now();
      resolveClosed();
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.body = Buffer.concat(chunks).toString('utf8');
      this.requests.push(seen);
      const behaviour = this.routes.get(u.pathname);
      if (!behaviour) {
        res.writeHead(404).end();
        return;
      }
      behaviour(seen, res);
    });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const json = (body: unknown, status = 200): Behaviour => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
};

export const xml = (body: string, status = 200): Behaviour => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'text/xml' }).end(body);
};

/** A port that refuses connections: bound, then closed. */
export async function refusedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
