// webhook on real calls against a real local HTTP server: Kazoo's payload (call fields, CAVs,
// custom_data) as form-data, JSON or a GET query; retries; failures and timeouts continue to `_`
// with the reason in the trace; a hangup cancels the request in flight.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineHarness } from '../../helpers/engine-harness.ts';

interface Hit {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Resolves when the client closed the request before we answered. */
  aborted: Promise<void>;
}

type Reply = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

describe('webhook on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let server: http.Server;
  let base: string;
  let hits: Hit[] = [];
  let reply: Reply = (_req, res) => res.end('ok');
  const waiters: Array<() => void> = [];

  before(async () => {
    h = await EngineHarness.start();
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const aborted = new Promise<void>((resolve) => res.on('close', () => !res.writableFinished && resolve()));
        hits.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), aborted });
        for (const w of waiters.splice(0)) w();
        reply(req, res, hits.length);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await h?.stop();
  });
  beforeEach(() => {
    hits = [];
    reply = (_req, res) => res.end('ok');
  });

  const nextHit = (timeoutMs = 5000) =>
    new Promise<Hit>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no webhook request')), timeoutMs);
      const before = hits.length;
      if (hits.length > 0) {
        clearTimeout(t);
        return resolve(hits[hits.length - 1]);
      }
      waiters.push(() => {
        clearTimeout(t);
        resolve(hits[before]);
      });
    });

  const then = (node: Record<string, unknown>) => ({ ...node, children: { _: { module: 'play', data: { id: 'beep' } } } }) as never;

  it('POSTs the call, its CAVs and custom_data as form-data (default), then continues', async () => {
    const number = await h.callflow({
      module: 'set_variables',
      data: { custom_application_vars: { team: 'sales' } },
      children: { _: then({ module: 'webhook', data: { uri: `${base}/hooks/missed?src=pbx`, custom_data: { app: 'crm', caller_id_name: 'overridden' } } }) },
    });
    const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
    const hit = await nextHit();
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.waitEnded();
    expect(hit.method).to.equal('POST');
    expect(hit.url).to.equal('/hooks/missed?src=pbx');
    expect(hit.headers['content-type']).to.equal('application/x-www-form-urlencoded');
    expect(hit.headers['user-agent']).to.match(/^ariflow\//);
    const form = Object.fromEntries(new URLSearchParams(hit.body));
    expect(form).to.include({
      call_id: caller.peerId,
      account_id: h.accountId,
      caller_id_number: '5551234',
      caller_id_name: 'overridden',
      request: number,
      'custom_application_vars[team]': 'sales',
      app: 'crm',
      answered: 'false',
    });
    const rec = await h.record(caller.peerId);
    const step = rec.trace.find((s) => s.module === 'webhook')!;
    expect(step.result).to.equal('_');
    expect(step.reason).to.equal(`webhook POST 127.0.0.1:${new URL(base).port}: 200`);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['set_variables', 'webhook', 'play']);
  });

  it('sends JSON when format is json, and a query string with http_verb get', async () => {
    const json = await h.callflow(then({ module: 'webhook', data: { uri: `${base}/j`, format: 'json', custom_data: { n: 1 } } }));
    const c1 = await h.call(json, { callerId: '"Bob" <5550001>' });
    const hit = await nextHit();
    expect(hit.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(hit.body)).to.include({ call_id: c1.peerId, caller_id_number: '5550001', n: 1 });
    await c1.waitEnded();

    hits = [];
    const get = await h.callflow(then({ module: 'webhook', data: { uri: `${base}/g`, http_verb: 'get' } }));
    const c2 = await h.call(get, { callerId: '"Carol" <5550002>' });
    const g = await nextHit();
    expect(g.method).to.equal('GET');
    expect(g.body).to.equal('');
    const q = new URL(g.url, base).searchParams;
    expect(q.get('call_id')).to.equal(c2.peerId);
    expect(q.get('caller_id_name')).to.equal('Carol');
    await c2.waitEnded();
  });

  it('retries a 500 (retries + 1 attempts), then continues to `_` with the failure in the trace', async () => {
    reply = (_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    };
    const number = await h.callflow(then({ module: 'webhook', data: { uri: `${base}/fail`, retries: 2 } }));
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.waitEnded();
    expect(hits).to.have.length(3);
    const step = (await h.record(caller.peerId)).trace[0];
    expect(step.result).to.equal('_');
    expect(step.reason).to.match(/^webhook failed \(POST 127\.0\.0\.1:\d+, 3 attempts\): HTTP 500$/);
  });

  it('does not retry a 404', async () => {
    reply = (_req, res) => {
      res.statusCode = 404;
      res.end();
    };
    const number = await h.callflow(then({ module: 'webhook', data: { uri: `${base}/gone`, retries: 4 } }));
    const caller = await h.call(number);
    await caller.waitEnded(8000);
    expect(hits).to.have.length(1);
    expect((await h.record(caller.peerId)).trace[0].reason).to.match(/1 attempt\): HTTP 404$/);
  });

  it('a server that never answers costs the call at most req_timeout_ms', async () => {
    reply = () => {}; // hold the request
    const number = await h.callflow(then({ module: 'webhook', data: { uri: `${base}/slow`, req_timeout_ms: 600, retries: 3 } }));
    const caller = await h.call(number);
    const hit = await nextHit();
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.waitEnded();
    const step = (await h.record(caller.peerId)).trace[0];
    expect(step.result).to.equal('_');
    expect(step.reason).to.match(/timeout after 600 ms$/);
    expect(step.durationMs).to.be.within(500, 3000);
    await hit.aborted; // the request was cancelled, not left open
  });

  it('an unreachable host and a non-http uri continue to `_`', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    // Stored straight into the database: the API would refuse the ftp:// uri.
    const number = await h.callflow({
      module: 'webhook',
      data: { uri: `http://127.0.0.1:${port}/x`, retries: 1 },
      children: { _: then({ module: 'webhook', data: { uri: 'ftp://example.test/x' } }) },
    });
    const caller = await h.call(number);
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['webhook', '_'],
      ['webhook', '_'],
      ['play', '_ (no child)'],
    ]);
    expect(rec.trace[0].reason).to.match(/2 attempts\): ECONNREFUSED$/);
    expect(rec.trace[1].reason).to.match(/^webhook not sent: webhook uri "ftp:\/\/example.test\/x" must use http or https$/);
  });

  it('the caller hanging up cancels the request in flight', async () => {
    reply = () => {};
    const number = await h.callflow({
      module: 'answer',
      data: {},
      children: { _: then({ module: 'webhook', data: { uri: `${base}/hold`, req_timeout_ms: 20_000 } }) },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    const hit = await nextHit();
    const t0 = Date.now();
    await caller.hangup();
    await hit.aborted;
    expect(Date.now() - t0).to.be.below(3000);
    const rec = await h.record(caller.peerId);
    expect(rec.end).to.equal('caller_hangup');
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['answer', 'webhook']);
  });
});
