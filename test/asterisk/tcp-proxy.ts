// A TCP proxy in front of ARI for tests that need the network to misbehave without touching Asterisk:
// `forward` passes through, `reset` accepts and closes at once (Asterisk "down"), `blackhole` accepts and
// never answers, and stops forwarding on open connections too (Asterisk stuck; Node's HTTP agent reuses
// keep-alive connections); dropAll() cuts every open connection (the websocket drops).
import net from 'node:net';

export type ProxyMode = 'forward' | 'reset' | 'blackhole';

export class TcpProxy {
  mode: ProxyMode = 'forward';
  private readonly sockets = new Set<net.Socket>();
  private server?: net.Server;
  port = 0;

  constructor(private readonly targetPort: number, private readonly targetHost = '127.0.0.1') {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => {});
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    if (this.mode === 'blackhole') return;
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.track(upstream);
    client.on('data', (chunk: Buffer) => {
      if (this.mode === 'forward') upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.mode === 'forward') client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** Cuts every connection open now (websocket and REST). */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    this.dropAll();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
