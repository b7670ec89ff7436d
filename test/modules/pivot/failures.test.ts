// Every way a pivot server can fail, on real calls: the call must take `_` (here: a beep) within
// req_timeout_ms + 50 ms of the request's start, and the request must not outlive the failure (the
// server sees its connection closed). Without `_` the caller hears an apology and the call ends.
import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import type { CallflowNode } from '../../../lib/engine/module.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import type { SimCaller } from '../../helpers/ari-driver.ts';
import { PivotServer, json, refusedPort, xml, type SeenRequest } from './pivot-server.ts';

const TIMEOUT_MS = 400;
const SLACK_MS = 50;
const beepNode: CallflowNode = { module: 'play', data: { id: 'beep' } };

describe('pivot failures on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let server: PivotServer;
  before(async () => {
    h = await EngineHarness.start();
    server = await PivotServer.start();
  });
  after(async () => {
    await server?.close();
    await h?.stop();
  });

  /** Calls a pivot to `url` whose `_` plays a beep; resolves when the call has ended, with the timing. */
  async function failOver(url: string, data: Record<string, unknown> = {}) {
    const number = await h.callflow({ module: 'pivot', data: { voice_url: url, req_format: 'kazoo', req_timeout_ms: TIMEOUT_MS, ...data }, children: { _: beepNode } });
    const caller: SimCaller = await h.call(number);
    let beepAt = 0;
    const beep = caller.waitFor('PlaybackStarted', (e) => {
      const ours = e.playback?.target_uri === `channel:${caller.peerId}` && e.playback.media_uri === 'sound:beep';
      if (ours && !beepAt) beepAt = performance.now();
      return ours;
    }, 10_000);
    await beep;
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    const exchanges = (rec.attributes.pivot ?? []) as Array<Record<string, any>>;
    const pivotSteps = rec.trace.filter((s) => s.module === 'pivot');
    return { caller, rec, beepAt, exchanges, last: exchanges[exchanges.length - 1], pivotStep: pivotSteps[pivotSteps.length - 1] };
  }

  /** The fallback was taken, in time, for the reason expected. */
  function expectFallback(r: Awaited<ReturnType<typeof failOver>>, kind: string, request?: SeenRequest) {
    expect(r.pivotStep.result).to.equal('_');
    expect(r.pivotStep.reason).to.match(new RegExp(`^pivot failed \\(${kind}\\)`));
    expect(r.last.result).to.equal('failed');
    expect(r.last.error.kind).to.equal(kind);
    expect(r.rec.trace.map((s) => s.module).slice(-1)).to.deep.equal(['play']);
    // In-process: from the module's start (the request follows at once) to taking `_`.
    expect(r.pivotStep.durationMs).to.be.below(TIMEOUT_MS + SLACK_MS);
    // On the wire: from the request's arrival at the server to the next module's playback on the channel.
    if (request) expect(r.beepAt - request.arrivedAt).to.be.below(TIMEOUT_MS + SLACK_MS);
  }

  /** The server saw the connection close (the request did not outlive the failure), within a bounded wait. */
  async function expectClosed(req: SeenRequest, aborted: boolean) {
    await Promise.race([req.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('connection still open 1 s after the failure')), 1000))]);
    if (aborted) expect(req.abortedAt, 'the client aborted the request').to.be.a('number');
  }

  it('connection refused', async () => {
    const r = await failOver(`http://127.0.0.1:${await refusedPort()}/x`);
    expectFallback(r, 'refused');
  });

  it('DNS failure', async () => {
    // A 70-character label fails in the local resolver without a query leaving the machine.
    const r = await failOver(`http://${'a'.repeat(70)}.invalid/x`);
    expectFallback(r, 'dns');
  });

  it('timeout: the server never answers; the request is aborted', async () => {
    const url = server.on('/f/silent', () => {});
    const r = await failOver(url);
    const req = server.to('/f/silent')[0];
    expectFallback(r, 'timeout', req);
    expect(r.last.latency_ms).to.be.within(TIMEOUT_MS - 5, TIMEOUT_MS + SLACK_MS);
    await expectClosed(req, true);
  });

  it('an endlessly trickling body: one deadline for the whole read, not per chunk', async () => {
    const url = server.on('/f/trickle', (_req, res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"module":"play","data":{"id":"');
      server.every(40, () => (res.destroyed ? false : void res.write('a')));
    });
    const r = await failOver(url);
    const req = server.to('/f/trickle')[0];
    expectFallback(r, 'timeout', req);
    await expectClosed(req, true);
  });

  for (const status of [404, 500, 503]) {
    it(`HTTP ${status}`, async () => {
      const url = server.on(`/f/status${status}`, json({ module: 'play', data: { id: 'tt-monkeys' } }, status));
      const r = await failOver(url);
      const req = server.to(`/f/status${status}`)[0];
      expectFallback(r, 'http_status', req);
      expect(r.last.status).to.equal(undefined);
      expect(r.last.error.detail).to.deep.equal({ status });
      await expectClosed(req, false);
    });
  }

  it('a redirect is not followed', async () => {
    const url = server.on('/f/redirect', (_req, res) => res.writeHead(302, { Location: 'http://127.0.0.1:1/elsewhere' }).end());
    const r = await failOver(url);
    expectFallback(r, 'redirect', server.to('/f/redirect')[0]);
  });

  it('an empty body', async () => {
    const url = server.on('/f/empty', json(''));
    const r = await failOver(url);
    expectFallback(r, 'empty', server.to('/f/empty')[0]);
  });

  it('invalid JSON', async () => {
    const url = server.on('/f/badjson', json('{"module": "play", "data": {'));
    const r = await failOver(url);
    expectFallback(r, 'invalid', server.to('/f/badjson')[0]);
    expect(r.last.error.message).to.match(/not valid JSON/);
  });

  it('a flow that fails validation (unknown module, bad data, a whole callflow document)', async () => {
    const bodies = [
      { module: 'no_such_module', data: {} },
      { module: 'pivot', data: { voice_url: 'ftp://example.com/' } },
      { numbers: ['1000'], flow: { module: 'play', data: { id: 'beep' } } },
    ];
    for (const [i, body] of bodies.entries()) {
      const url = server.on(`/f/invalid${i}`, json(body));
      const r = await failOver(url);
      expectFallback(r, 'invalid', server.to(`/f/invalid${i}`)[0]);
      expect(r.last.error.message).to.match(/fails validation/);
    }
  });

  it('an oversized body, announced by Content-Length', async () => {
    const big = JSON.stringify({ module: 'play', data: { id: 'beep', pad: 'x'.repeat(300 * 1024) } });
    const url = server.on('/f/big', json(big));
    const r = await failOver(url);
    const req = server.to('/f/big')[0];
    expectFallback(r, 'too_large', req);
    await expectClosed(req, false);
  });

  it('an oversized body, streamed without a length: refused mid-stream and the request aborted', async () => {
    const url = server.on('/f/bigstream', (_req, res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"module":"play","data":{"id":"beep","pad":"');
      const chunk = 'x'.repeat(16 * 1024);
      server.every(5, () => (res.destroyed ? false : void res.write(chunk)));
    });
    const r = await failOver(url);
    const req = server.to('/f/bigstream')[0];
    expectFallback(r, 'too_large', req);
    await expectClosed(req, true);
  });

  it('an unsupported content type', async () => {
    const url = server.on('/f/text', (_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('hello'));
    const r = await failOver(url);
    expectFallback(r, 'invalid', server.to('/f/text')[0]);
  });

  it('TwiML that is not well-formed, or has an unknown verb', async () => {
    for (const [i, doc] of ['<Response><Say>hi</Response>', '<Response><Dance/></Response>', '<Reply><Say>hi</Say></Reply>'].entries()) {
      const url = server.on(`/f/twiml${i}`, xml(doc));
      const r = await failOver(url, { req_format: 'twiml' });
      expectFallback(r, 'invalid', server.to(`/f/twiml${i}`)[0]);
    }
  });

  it('TwiML Dial mixing a Conference with other targets is refused before anything plays', async () => {
    const url = server.on('/f/dial', xml('<Response><Say>before</Say><Dial timeout="10"><Number>+15550100</Number><Conference>room1</Conference></Dial></Response>'));
    const r = await failOver(url, { req_format: 'twiml' });
    expectFallback(r, 'invalid', server.to('/f/dial')[0]);
    expect(r.last.error.message).to.match(/<Conference> cannot be combined/);
    expect(r.caller.events().filter((e) => e.type === 'PlaybackStarted').map((e) => e.playback?.media_uri)).to.deep.equal(['sound:beep']);
  });

  it('a pivot loop beyond the per-call budget', async () => {
    const url = server.url('/f/loop');
    server.on('/f/loop', json({ module: 'pivot', data: { voice_url: url, req_format: 'kazoo', req_timeout_ms: TIMEOUT_MS }, children: { _: beepNode } }));
    const r = await failOver(url);
    const requests = server.to('/f/loop').length;
    expect(requests).to.be.within(10, 12);
    expect(r.rec.trace.filter((s) => s.module === 'pivot')).to.have.length(requests + 1);
    expectFallback(r, 'loop');
    expect(r.exchanges).to.have.length(requests + 1);
  });

  it('ARIFLOW_PIVOT_DENY_PRIVATE refuses a loopback target before connecting (unless loopback is allowed)', async () => {
    const url = server.on('/f/private', json({ module: 'play', data: { id: 'tt-monkeys' } }));
    process.env.ARIFLOW_PIVOT_DENY_PRIVATE = '1';
    try {
      const r = await failOver(url);
      expectFallback(r, 'denied');
      expect(r.last.error.message).to.match(/127\.0\.0\.1 \(loopback\)/);
      expect(server.to('/f/private')).to.have.length(0);
      process.env.ARIFLOW_PIVOT_ALLOW_LOOPBACK = '1';
      const ok = await h.callflow({ module: 'pivot', data: { voice_url: server.on('/f/allowed', json(beepNode)), req_format: 'kazoo' } });
      const caller = await h.call(ok);
      await caller.waitPlayback('PlaybackStarted', 'sound:beep');
      await caller.waitEnded();
      expect(server.to('/f/allowed')).to.have.length(1);
    } finally {
      delete process.env.ARIFLOW_PIVOT_DENY_PRIVATE;
      delete process.env.ARIFLOW_PIVOT_ALLOW_LOOPBACK;
    }
  });

  it('without `_`: the caller hears an apology and the call ends', async () => {
    const url = server.on('/f/nofallback', json({}, 500));
    const number = await h.callflow({ module: 'pivot', data: { voice_url: url, req_format: 'kazoo', req_timeout_ms: TIMEOUT_MS } });
    const caller = await h.call(number);
    const sorry = await caller.waitPlayback('PlaybackStarted', 'sound:im-sorry');
    expect(sorry).to.be.an('object');
    await caller.waitPlayback('PlaybackStarted', 'sound:please-try-call-later');
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([['pivot', 'stop']]);
    expect(rec.trace[0].reason).to.match(/^pivot failed \(http_status\).*apology played$/);
    expect(rec.end).to.equal('hangup');
  });
});
