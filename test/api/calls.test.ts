// GET /v2/accounts/{id}/calls and /calls/{call_id} (alias cdrs) over HTTP, on records of real calls
// placed through the engine harness: newest first, pagination, filters, created_from/_to, the full
// record with its trace, read-only (405), and account isolation.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { EngineHarness } from '../helpers/engine-harness.ts';

const GREGORIAN_OFFSET_S = 62_167_219_200;
const gregorian = (d: Date) => Math.floor(d.getTime() / 1000) + GREGORIAN_OFFSET_S;

describe('API: per-call records (calls / cdrs)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let token: string;
  const ids: string[] = []; // oldest first
  let firstStart: Date;

  async function api(method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
    const res = await fetch(`${h.baseUrl}/v2${path}`, {
      method,
      headers: { 'X-Auth-Token': opts.token ?? token, 'Content-Type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }
  const calls = (query = '', t?: string) => api('GET', `/accounts/${h.accountId}/calls${query}`, { token: t });

  async function login(apiKey: string): Promise<string> {
    const res = await api('PUT', '/api_auth', { body: { data: { api_key: apiKey } } });
    expect(res.status).to.equal(201);
    return res.body.auth_token as string;
  }

  async function placeCall(number: string, callerId: string): Promise<string> {
    const caller = await h.call(number, { callerId });
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    return rec._id;
  }

  before(async () => {
    h = await EngineHarness.start();
    token = await login(h.app.config.masterApiKey!);
    const number = await h.callflow({ module: 'play', data: { id: 'beep' } }, { name: 'beep line' });
    for (const n of ['5550001', '5550002', '5550003']) {
      ids.push(await placeCall(number, `"Caller ${n}" <${n}>`));
      await new Promise((r) => setTimeout(r, 20)); // distinct start times
    }
    firstStart = (await h.record(ids[0])).started_at;
  });
  after(async () => h?.stop());

  it('lists the account\'s calls newest first, as summaries', async () => {
    const res = await calls();
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('success');
    expect(res.body.auth_token).to.equal(token);
    const data = res.body.data as Array<Record<string, unknown>>;
    expect(data.map((c) => c.id)).to.deep.equal([...ids].reverse());
    expect(res.body.page_size).to.equal(3);
    expect(res.body).to.not.have.property('next_start_key');
    const newest = data[0];
    expect(newest).to.include({ caller_id_number: '5550003', caller_id_name: 'Caller 5550003', direction: 'inbound', end: 'hangup', callflow_name: 'beep line' });
    expect(newest).to.have.keys('id', 'callflow_id', 'direction', 'caller_id_number', 'caller_id_name', 'callee', 'started_at', 'answered_at', 'ended_at', 'duration_ms', 'hangup_cause', 'end', 'callflow_name', 'timestamp');
    expect(Date.parse(newest.started_at as string)).to.be.greaterThan(Date.parse(data[1].started_at as string));
    expect(newest.timestamp).to.equal(gregorian(new Date(newest.started_at as string)));
  });

  it('paginates with page_size / next_start_key, without overlap', async () => {
    const p1 = await calls('?page_size=2');
    expect(p1.body.data.map((c: { id: string }) => c.id)).to.deep.equal([ids[2], ids[1]]);
    expect(p1.body.next_start_key).to.be.a('string');
    const p2 = await calls(`?page_size=2&start_key=${encodeURIComponent(p1.body.next_start_key)}`);
    expect(p2.body.data.map((c: { id: string }) => c.id)).to.deep.equal([ids[0]]);
    expect(p2.body.start_key).to.equal(p1.body.next_start_key);
    expect(p2.body).to.not.have.property('next_start_key');
    expect((await calls('?start_key=garbage')).status).to.equal(400);
    expect((await calls('?page_size=0')).status).to.equal(400);
  });

  it('filters with filter_<field> and bounds the start time with created_from / created_to (Gregorian seconds)', async () => {
    const byCaller = await calls('?filter_caller_id_number=5550002');
    expect(byCaller.body.data.map((c: { id: string }) => c.id)).to.deep.equal([ids[1]]);
    const notCaller = await calls('?filter_not_caller_id_number=5550002');
    expect(notCaller.body.data.map((c: { id: string }) => c.id)).to.deep.equal([ids[2], ids[0]]);

    const start = gregorian(firstStart);
    expect((await calls(`?created_from=${start - 60}&created_to=${start + 3600}`)).body.data).to.have.length(3);
    expect((await calls(`?created_from=${start + 3600}`)).body.data).to.have.length(0);
    expect((await calls(`?created_to=${start - 60}`)).body.data).to.have.length(0);
    const reversed = await calls(`?created_from=${start + 10}&created_to=${start}`);
    expect(reversed.status).to.equal(400);
    expect(reversed.body.data).to.have.nested.property('created_to.minimum');
    expect((await calls('?created_from=yesterday')).body.data).to.have.nested.property('created_from.type');
    expect((await calls('?modified_from=1')).status).to.equal(400);
  });

  it('reads one call with its trace, CAVs and attributes', async () => {
    const res = await api('GET', `/accounts/${h.accountId}/calls/${ids[1]}`);
    expect(res.status).to.equal(200);
    const rec = res.body.data;
    expect(rec.id).to.equal(ids[1]);
    expect(rec).to.not.have.any.keys('_id', 'account_id');
    expect(rec).to.include({ caller_id_number: '5550002', direction: 'inbound', hangup_cause: 'NORMAL_CLEARING' });
    expect(rec.trace.map((s: { module: string; result: string }) => [s.module, s.result])).to.deep.equal([['play', '_ (no child)']]);
    expect(rec.cav).to.deep.equal({});
    expect(rec.attributes).to.include({ callflow_name: 'beep line' });
    expect(rec.timestamp).to.equal(gregorian(new Date(rec.started_at)));
    expect((await api('GET', `/accounts/${h.accountId}/calls/${'f'.repeat(32)}`)).status).to.equal(404);
    expect((await api('GET', `/accounts/${h.accountId}/calls/bad%20id`)).status).to.equal(404);
  });

  it('cdrs is an alias of calls', async () => {
    const [a, b] = await Promise.all([calls('?page_size=2'), api('GET', `/accounts/${h.accountId}/cdrs?page_size=2`)]);
    expect(b.body.data).to.deep.equal(a.body.data);
    expect(b.body.next_start_key).to.equal(a.body.next_start_key);
    const one = await api('GET', `/accounts/${h.accountId}/cdrs/${ids[0]}`);
    expect(one.body.data.id).to.equal(ids[0]);
  });

  it('is read-only: every other method is 405', async () => {
    for (const base of ['calls', 'cdrs']) {
      for (const [method, path] of [
        ['PUT', `/accounts/${h.accountId}/${base}`],
        ['POST', `/accounts/${h.accountId}/${base}`],
        ['POST', `/accounts/${h.accountId}/${base}/${ids[0]}`],
        ['PATCH', `/accounts/${h.accountId}/${base}/${ids[0]}`],
        ['DELETE', `/accounts/${h.accountId}/${base}/${ids[0]}`],
      ]) {
        const res = await api(method, path, { body: { data: {} } });
        expect(res.status, `${method} ${path}`).to.equal(405);
        expect(res.headers.get('allow')).to.contain('GET');
      }
    }
    expect((await h.db.collection('calls').countDocuments({ _id: ids[0] as never }))).to.equal(1);
  });

  it('keeps accounts apart: a child token cannot read the parent\'s calls; the parent reads the child\'s', async () => {
    const created = await api('PUT', `/accounts/${h.accountId}`, { body: { data: { name: `child ${randomBytes(3).toString('hex')}` } } });
    expect(created.status).to.equal(201);
    const childId = created.body.data.id as string;
    const key = await api('PUT', `/accounts/${childId}/api_key`);
    const childToken = await login(key.body.data.api_key);

    // A call into the child account.
    const number = `79${String(Date.now()).slice(-8)}`;
    await h.db.collection('callflows').insertOne({ _id: randomBytes(16).toString('hex') as never, account_id: childId, name: 'child line', numbers: [number], patterns: [], flow: { module: 'play', data: { id: 'beep' } } });
    h.app.routes.invalidate(childId);
    const childCall = await placeCall(number, '"Kid" <5550999>');

    expect((await calls('', childToken)).status).to.equal(404);
    expect((await api('GET', `/accounts/${h.accountId}/calls/${ids[0]}`, { token: childToken })).status).to.equal(404);
    expect((await api('GET', `/accounts/${h.accountId}/cdrs`, { token: childToken })).status).to.equal(404);
    // The parent's call id under the child's own account is not found either.
    expect((await api('GET', `/accounts/${childId}/calls/${ids[0]}`, { token: childToken })).status).to.equal(404);

    const own = await api('GET', `/accounts/${childId}/calls`, { token: childToken });
    expect(own.body.data.map((c: { id: string }) => c.id)).to.deep.equal([childCall]);
    const byParent = await api('GET', `/accounts/${childId}/calls/${childCall}`);
    expect(byParent.status).to.equal(200);
    expect(byParent.body.data.caller_id_number).to.equal('5550999');
    expect((await calls()).body.data.map((c: { id: string }) => c.id)).to.not.include(childCall);
  });

  it('needs a token', async () => {
    const res = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/calls`);
    expect(res.status).to.equal(401);
  });
});
