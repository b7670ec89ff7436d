// GET /health and GET /metrics of a running ariflow, against the real Asterisk and database.
import { expect } from 'chai';
import { EngineHarness } from '../helpers/engine-harness.ts';

describe('health and metrics', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  it('reports ARI connected, the database reachable and the version', async () => {
    const res = await fetch(`${h.baseUrl}/health`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body).to.deep.include({ status: 'ok', ari: { connected: true }, database: { reachable: true } });
    expect(body.version).to.match(/^\d+\.\d+\.\d+/);
  });

  it('counts calls, ARI state and HTTP requests in Prometheus text format', async () => {
    const number = await h.callflow({ module: 'answer', data: {}, children: { _: { module: 'hangup', data: {} } } });
    const caller = await h.call(number);
    await caller.waitEnded();
    await h.record(caller.peerId);
    const res = await fetch(`${h.baseUrl}/metrics`);
    expect(res.headers.get('content-type')).to.match(/^text\/plain/);
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('ariflow_calls_total')).to.be.at.least(1);
    expect(value('ariflow_calls_active')).to.equal(0);
    expect(value('ariflow_ari_connected')).to.equal(1);
    expect(value('ariflow_ari_reconnects_total')).to.equal(0);
    expect(text).to.match(/^ariflow_http_requests_total\{method="GET",route="\/health",status="200"\} 1$/m);
  });
});
