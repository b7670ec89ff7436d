// Post-call webhooks on real calls: after hangup the call record is POSTed, signed, to the callflow's
// webhook URLs (real local servers), retried on the schedule until delivered or given up; the queue is in
// the database (a new worker finishes what another left), two workers never send one delivery twice, and
// the delivery log is readable over the API.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { accountData } from '../../lib/engine/account-data.ts';
import { accountPivotSecret, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../lib/pivot/signature.ts';
import { ATTEMPT_HEADER, DELIVERIES, DELIVERY_HEADER, EVENT_HEADER, loadPostCallSettings, PostCallWebhooks, type WebhookDelivery } from '../../lib/webhooks/post-call.ts';
import { silentLogger } from '../../lib/log.ts';
import { apiClient, type ApiClient } from '../helpers/api-client.ts';
import { EngineHarness } from '../helpers/engine-harness.ts';
import { until } from '../modules/ringing/helpers.ts';

interface Hit {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver answering the scripted statuses in turn (the last one for every later request). */
async function receiver(statuses: number[], delayMs = 0) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = statuses[Math.min(hits.length - 1, statuses.length - 1)];
      setTimeout(() => {
        res.writeHead(status, { 'Content-Type': 'text/plain' });
        res.end(status < 300 ? 'ok' : 'nope');
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('post-call webhooks', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let client: ApiClient;
  let secret: string;
  const closers: Array<() => Promise<void>> = [];
  const api = (path: string) => client.api('GET', path);
  const deliveries = () => h.db.collection<WebhookDelivery>(DELIVERIES);
  const call = async (number: string) => {
    const caller = await h.call(number, { callerId: '"Hook Test" <+15557770001>' });
    await caller.waitEnded();
    return caller.peerId;
  };

  before(async () => {
    h = await EngineHarness.start();
    client = await apiClient(h);
    secret = await accountPivotSecret(accountData(h.db, h.accountId), h.accountId);
  });
  after(async () => {
    await Promise.all(closers.map((c) => c()));
    await h?.stop();
  });

  it('delivers to a server that fails twice on the third try, signed, and logs every attempt', async () => {
    const r = await receiver([500, 503, 200]);
    closers.push(r.close);
    const callflowId = 'c'.repeat(31) + '1';
    const number = await h.callflow(
      { module: 'play', data: { id: 'beep' }, children: { _: { module: 'hangup', data: {} } } },
      { id: callflowId },
    );
    await h.db.collection('callflows').updateOne({ _id: callflowId as never }, { $set: { post_call_webhooks: [{ url: r.url, retry_schedule_s: [1, 1, 1] }] } });
    h.app.routes.invalidate(h.accountId);
    const callId = await call(number);

    await until('delivered', async () => (await deliveries().findOne({ call_id: callId }))?.status === 'delivered', 15_000);
    expect(r.hits).to.have.length(3);
    const ids = new Set(r.hits.map((x) => x.headers[DELIVERY_HEADER.toLowerCase()]));
    expect(ids.size, 'one delivery id on every try').to.equal(1);
    expect(r.hits.map((x) => x.headers[ATTEMPT_HEADER.toLowerCase()])).to.deep.equal(['1', '2', '3']);
    for (const hit of r.hits) {
      expect(hit.headers[EVENT_HEADER.toLowerCase()]).to.equal('call.ended');
      const ok = verifySignature(secret, { timestamp: hit.headers[TIMESTAMP_HEADER.toLowerCase()] as string, signature: hit.headers[SIGNATURE_HEADER.toLowerCase()] as string }, hit.body);
      expect(ok, 'signature verifies with the account secret').to.equal(true);
      expect(verifySignature('x'.repeat(64), { timestamp: hit.headers[TIMESTAMP_HEADER.toLowerCase()] as string, signature: hit.headers[SIGNATURE_HEADER.toLowerCase()] as string }, hit.body)).to.equal(false);
    }
    // Backoff: each retry waited its scheduled second.
    expect(r.hits[1].at - r.hits[0].at).to.be.greaterThanOrEqual(900);
    expect(r.hits[2].at - r.hits[1].at).to.be.greaterThanOrEqual(900);

    const body = JSON.parse(r.hits[2].body);
    expect(body.event).to.equal('call.ended');
    expect(body.call).to.deep.include({ call_id: callId, account_id: h.accountId, callflow_id: callflowId, caller_id_number: '+15557770001', callee: number, answered: true });
    expect(body.call.path).to.deep.equal([
      { module: 'play', result: '_' },
      { module: 'hangup', result: 'hard_stop' },
    ]);
    expect(body.call).to.include.keys('recordings', 'voicemail', 'tags', 'attribution', 'answered_by', 'talk_time_s');

    // The log over the API: list (by callflow) and one delivery with its attempts; no secret, no lease.
    const list = await api(`/webhook_deliveries?callflow_id=${callflowId}`);
    expect(list.status).to.equal(200);
    expect(list.body.data).to.have.length(1);
    const item = list.body.data[0];
    expect(item).to.deep.include({ status: 'delivered', call_id: callId, url: r.url, attempt_count: 3 });
    expect(item.attempts.map((a: { status_code: number }) => a.status_code)).to.deep.equal([500, 503, 200]);
    for (const a of item.attempts) expect(a).to.include.keys('at', 'latency_ms', 'n');
    const one = await api(`/webhook_deliveries/${item.id}`);
    expect(one.status).to.equal(200);
    expect(one.body.data.payload.call.call_id).to.equal(callId);
    expect(one.body.data).to.not.have.any.keys('pvt_secret', 'lease_token', 'body');
    expect((await api('/webhook_deliveries?callflow_id=nope')).body.data).to.deep.equal([]);
    expect((await api('/webhook_deliveries/doesnotexist')).status).to.equal(404);
    expect((await api('/webhook_deliveries?status=bogus')).status).to.equal(400);
  });

  it("gives up after the schedule, signing with the webhook's own secret; a second URL is delivered on its own", async () => {
    const down = await receiver([503]);
    const up = await receiver([204]);
    closers.push(down.close, up.close);
    const own = 's3cret-'.repeat(4);
    const callflowId = 'c'.repeat(31) + '2';
    const number = await h.callflow({ module: 'answer', data: {}, children: { _: { module: 'hangup', data: {} } } }, { id: callflowId });
    await h.db
      .collection('callflows')
      .updateOne({ _id: callflowId as never }, { $set: { post_call_webhooks: [{ url: down.url, secret: own, retry_schedule_s: [0] }, { url: up.url }] } });
    h.app.routes.invalidate(h.accountId);
    const callId = await call(number);
    await until('both settled', async () => {
      const docs = await deliveries().find({ call_id: callId }).toArray();
      return docs.length === 2 && docs.every((d) => d.status === 'failed' || d.status === 'delivered');
    }, 10_000);
    const failed = await deliveries().findOne({ call_id: callId, url: down.url });
    expect(failed?.status).to.equal('failed');
    expect(failed?.attempts.map((a) => a.status_code)).to.deep.equal([503, 503]);
    expect(failed?.next_attempt_at).to.equal(null);
    expect(down.hits).to.have.length(2);
    const hit = down.hits[0];
    const sig = { timestamp: hit.headers[TIMESTAMP_HEADER.toLowerCase()] as string, signature: hit.headers[SIGNATURE_HEADER.toLowerCase()] as string };
    expect(verifySignature(own, sig, hit.body)).to.equal(true);
    expect(verifySignature(secret, sig, hit.body)).to.equal(false);
    expect((await deliveries().findOne({ call_id: callId, url: up.url }))?.status).to.equal('delivered');
    expect(up.hits).to.have.length(1);
  });

  it('records an unreachable URL as an error attempt', async () => {
    const gone = await receiver([200]);
    await gone.close();
    const callflowId = 'c'.repeat(31) + '3';
    const number = await h.callflow({ module: 'answer', data: {}, children: { _: { module: 'hangup', data: {} } } }, { id: callflowId });
    await h.db.collection('callflows').updateOne({ _id: callflowId as never }, { $set: { post_call_webhooks: [{ url: gone.url, retry_schedule_s: [] }] } });
    h.app.routes.invalidate(h.accountId);
    const callId = await call(number);
    await until('failed', async () => (await deliveries().findOne({ call_id: callId }))?.status === 'failed', 10_000);
    const d = await deliveries().findOne({ call_id: callId });
    expect(d?.attempts).to.have.length(1);
    expect(d?.attempts[0].status_code).to.equal(undefined);
    expect(d?.attempts[0].error).to.match(/refused/);
  });

  it('keeps the queue in the database: a new worker delivers what was left, two workers never send one twice', async () => {
    const r = await receiver([200], 50);
    closers.push(r.close);
    // "ariflow is down": its worker stops; calls' deliveries wait in the collection.
    await h.app.webhooks.stop();
    const settings = { ...loadPostCallSettings(), pollMs: 50, concurrency: 3 };
    const offline = new PostCallWebhooks(h.db, silentLogger, settings);
    const record = (i: number) => ({
      _id: `queued-call-${i}`,
      account_id: h.accountId,
      callflow_id: 'cf-q',
      direction: 'inbound' as const,
      caller_id_number: '5550000',
      caller_id_name: 'Q',
      callee: '7000',
      started_at: new Date(),
      answered_at: null,
      ended_at: new Date(),
      duration_ms: 1,
      hangup_cause: 'NORMAL_CLEARING',
      end: 'hangup',
      trace: [],
      cav: {},
      attributes: {},
    });
    for (let i = 0; i < 12; i++) await offline.enqueue(record(i), { post_call_webhooks: [{ url: r.url }] });
    // A delivery claimed by a process that died mid-send: its lease has run out.
    await deliveries().updateOne({ call_id: 'queued-call-0' }, { $set: { status: 'delivering', lease_token: 'dead', lease_until: new Date(Date.now() - 1000) } });
    await new Promise((res) => setTimeout(res, 200));
    expect(r.hits).to.have.length(0);

    // "Restart" with two processes at once.
    const a = new PostCallWebhooks(h.db, silentLogger, settings);
    const b = new PostCallWebhooks(h.db, silentLogger, settings);
    a.start();
    b.start();
    try {
      await until('all delivered', async () => (await deliveries().countDocuments({ callflow_id: 'cf-q', status: 'delivered' })) === 12, 10_000);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      h.app.webhooks.start();
    }
    const sent = r.hits.map((x) => x.headers[DELIVERY_HEADER.toLowerCase()]);
    expect(sent).to.have.length(12);
    expect(new Set(sent).size, 'no delivery sent twice').to.equal(12);
    for (const d of await deliveries().find({ callflow_id: 'cf-q' }).toArray()) expect(d.attempts).to.have.length(1);
  });

  it('hands an attempt cut by shutdown back to the queue without counting it', async () => {
    const slow = await receiver([200], 3000);
    closers.push(slow.close);
    await h.app.webhooks.stop();
    const w = new PostCallWebhooks(h.db, silentLogger, { ...loadPostCallSettings(), pollMs: 50 });
    const [id] = await w.enqueue(
      {
        _id: 'shutdown-call',
        account_id: h.accountId,
        callflow_id: 'cf-s',
        direction: 'inbound',
        caller_id_number: '1',
        caller_id_name: '',
        callee: '2',
        started_at: new Date(),
        answered_at: null,
        ended_at: new Date(),
        duration_ms: 0,
        hangup_cause: 'NORMAL_CLEARING',
        end: 'hangup',
        trace: [],
        cav: {},
        attributes: {},
      },
      { post_call_webhooks: [{ url: slow.url }] },
    );
    w.start();
    try {
      await until('sending', () => slow.hits.length === 1);
      await w.stop();
      const d = await deliveries().findOne({ _id: id });
      expect(d?.status).to.equal('pending');
      expect(d?.attempts).to.have.length(0);
      expect(d?.lease_token).to.equal(null);
    } finally {
      await deliveries().deleteOne({ _id: id });
      h.app.webhooks.start();
    }
  });

  it('rejects a callflow whose post_call_webhooks is malformed (API validation)', async () => {
    const res = await client.api('PUT', '/callflows', { numbers: ['+15559990001'], flow: { module: 'answer', data: {} }, post_call_webhooks: [{ url: 'ftp://nope' }] });
    expect(res.status).to.equal(400);
    const ok = await client.api('PUT', '/callflows', {
      numbers: ['+15559990002'],
      flow: { module: 'answer', data: {} },
      post_call_webhooks: [{ url: 'https://hooks.example.com/x', retry_schedule_s: [60, 300, 900] }],
    });
    expect(ok.status).to.equal(201);
  });
});
