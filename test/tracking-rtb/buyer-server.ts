// A local RTB buyer for the tests: a real HTTP server whose answers to pings and posts are scripted, and
// which keeps every request it got (headers and raw body, to check signatures).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  kind: 'ping' | 'post';
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  /** The request was cut before the buyer answered (ariflow gave up on it). */
  aborted: boolean;
}

export interface Reply {
  status?: number;
  /** Sent as is when a string, else JSON. */
  body?: unknown;
  delayMs?: number;
}

export type Script = (req: Received) => Reply;

export class BuyerServer {
  readonly received: Received[] = [];
  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(script: Script): Promise<BuyerServer> {
    let self: BuyerServer | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          /* not JSON */
        }
        const kind = json.type === 'post' ? 'post' : 'ping';
        const got: Received = { kind, headers: req.headers, body, json, aborted: false };
        self!.received.push(got);
        const reply = script(got);
        const send = () => {
          if (res.destroyed) return;
          const text = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
          res.writeHead(reply.status ?? 200, { 'Content-Type': typeof reply.body === 'string' ? 'text/plain' : 'application/json' });
          res.end(text);
        };
        res.on('close', () => {
          if (!res.writableFinished) got.aborted = true;
        });
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    self = new BuyerServer(server, `http://127.0.0.1:${port}/rtb`);
    return self;
  }

  pings(): Received[] {
    return this.received.filter((r) => r.kind === 'ping');
  }

  posts(): Received[] {
    return this.received.filter((r) => r.kind === 'post');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
