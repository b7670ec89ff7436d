// Call-tracking API: tracking numbers and pools (numbers attached to the callflow, uniqueness, 4xx
// naming the field), visitor sessions (atomic assignment under concurrency, least-recently-used reuse,
// extension), and callflow stats from call records through the database's aggregation.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { apiClient, type ApiClient } from '../helpers/api-client.ts';
import { EngineHarness } from '../helpers/engine-harness.ts';

describe('call tracking API', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let client: ApiClient;
  const api = (method: string, p: string, data?: unknown) => client.api(method, p, data);
  const ok = (method: string, p: string, data?: unknown) => client.ok(method, p, data);
  const flow = { module: 'play', data: { id: 'beep' } };

  before(async () => {
    h = await EngineHarness.start();
    client = await apiClient(h);
  });
  after(async () => h?.stop());

  it('tracking numbers: attached to the callflow, unique, 4xx naming the field, detached on delete', async () => {
    const cf = await ok('PUT', '/callflows', { name: 'ads', numbers: ['+15125551000'], flow });
    const other = await ok('PUT', '/callflows', { name: 'other', numbers: ['+15125551999'], flow });
    const tn = await ok('PUT', '/tracking_numbers', { number: '(512) 555-1001', callflow_id: cf.id, source: 'google', campaign: 'brand' });
    expect(tn).to.deep.include({ number: '+15125551001', callflow_id: cf.id, source: 'google', campaign: 'brand' });
    expect(tn).to.not.have.property('pvt_added_numbers');
    expect((await ok('GET', `/callflows/${cf.id}`)).numbers).to.deep.equal(['+15125551000', '+15125551001']);

    const missing = await api('PUT', '/tracking_numbers', { number: '+15125551002' });
    expect(missing.status).to.equal(400);
    expect(missing.body.data).to.have.property('callflow_id');
    const dangling = await api('PUT', '/tracking_numbers', { number: '+15125551002', callflow_id: 'f'.repeat(32) });
    expect(dangling.status).to.equal(400);
    expect(dangling.body.data.callflow_id).to.have.property('reference');
    const twice = await api('PUT', '/tracking_numbers', { number: '+15125551001', callflow_id: cf.id });
    expect(twice.status).to.equal(400);
    expect(twice.body.data.number).to.have.property('unique');
    // A number another callflow routes: the callflow's uniqueness error, under `number`.
    const taken = await api('PUT', '/tracking_numbers', { number: '+15125551999', callflow_id: cf.id });
    expect(taken.status).to.equal(400);
    expect(taken.body.data).to.have.property('number');

    // Moving it to another callflow moves the number; PATCH keeps the other fields.
    const moved = await ok('PATCH', `/tracking_numbers/${tn.id}`, { callflow_id: other.id });
    expect(moved).to.deep.include({ callflow_id: other.id, source: 'google' });
    expect((await ok('GET', `/callflows/${cf.id}`)).numbers).to.deep.equal(['+15125551000']);
    expect((await ok('GET', `/callflows/${other.id}`)).numbers).to.deep.equal(['+15125551999', '+15125551001']);
    expect((await ok('GET', '/tracking_numbers')).map((t: any) => t.id)).to.deep.equal([tn.id]);
    await ok('DELETE', `/tracking_numbers/${tn.id}`);
    expect((await ok('GET', `/callflows/${other.id}`)).numbers).to.deep.equal(['+15125551999']);
    expect((await api('GET', `/tracking_numbers/${tn.id}`)).status).to.equal(404);
  });

  it('visitor sessions: concurrent sessions never share a number; all busy → the least recently used is reused', async () => {
    const cf = await ok('PUT', '/callflows', { name: 'site', numbers: ['+15125552000'], flow });
    const numbers = Array.from({ length: 8 }, (_, i) => `+1512555210${i}`);
    const pool = await ok('PUT', '/number_pools', { numbers, callflow_id: cf.id, session_ttl_s: 600, source: 'website' });
    const clash = await api('PUT', '/tracking_numbers', { number: numbers[0], callflow_id: cf.id });
    expect(clash.status).to.equal(400);
    expect(clash.body.data.number).to.have.property('unique');

    const sessions = await Promise.all(numbers.map((_, i) => ok('PUT', '/visitor_sessions', { pool_id: pool.id, source: 'google', campaign: `c${i}` })));
    expect(new Set(sessions.map((s) => s.number)).size).to.equal(8);
    expect(sessions.every((s) => s.active && !s.reused_number)).to.equal(true);

    // The oldest session refreshes its page: it is no longer the least recently handed out… but
    // handing out is what counts (last_assigned_at), so the first number assigned is the one reused.
    const first = sessions.reduce((a, b) => (a.created_at <= b.created_at ? a : b));
    const ninth = await ok('PUT', '/visitor_sessions', { source: 'bing' }); // one pool: pool_id may be left out
    expect(ninth.reused_number).to.equal(true);
    expect(ninth.number).to.equal(first.number);
    const lost = await ok('GET', `/visitor_sessions/${first.id}`);
    expect(lost.active).to.equal(false);
    expect(lost.number_reassigned_at).to.be.a('string');
    // It cannot extend a number it lost; another session can.
    const notExtended = await ok('POST', `/visitor_sessions/${first.id}`, { active_page: '/pricing' });
    expect(notExtended.expires_at).to.equal(first.expires_at);
    const second = sessions.find((s) => s.id !== first.id)!;
    await new Promise((r) => setTimeout(r, 20));
    const extended = await ok('POST', `/visitor_sessions/${second.id}`, { active_page: '/pricing' });
    expect(extended.active_page).to.equal('/pricing');
    expect(Date.parse(extended.expires_at)).to.be.greaterThan(Date.parse(second.expires_at));
    expect((await ok('GET', '/visitor_sessions?active=true')).length).to.equal(9);

    const bad = await api('PUT', '/visitor_sessions', { pool_id: 'nope' });
    expect(bad.status).to.equal(400);
    expect(bad.body.data.pool_id).to.have.property('reference');
    const badType = await api('PUT', '/visitor_sessions', { pool_id: pool.id, ttl_s: 5 });
    expect(badType.status).to.equal(400);
    expect(badType.body.data).to.have.property('ttl_s');
    expect((await api('POST', '/visitor_sessions/nope', {})).status).to.equal(404);

    // Deleting the pool frees its numbers from the callflow.
    await ok('DELETE', `/number_pools/${pool.id}`);
    expect((await ok('GET', `/callflows/${cf.id}`)).numbers).to.deep.equal(['+15125552000']);
    expect(await h.db.collection('pool_numbers').countDocuments({ pool_id: pool.id })).to.equal(0);
  });

  it('stats: totals, answered / missed / voicemails / qualified, per source and per node, within the range', async () => {
    const cf = await ok('PUT', '/callflows', {
      name: 'stats',
      numbers: ['+15125553000'],
      qualified_call: { min_talk_seconds: 60, tag: 'sale' },
      flow: { module: 'tts', data: { text: 'hello' }, children: { _: { module: 'hangup', data: {} } } },
    });
    const t0 = new Date('2030-01-01T10:00:00Z');
    const at = (min: number) => new Date(t0.getTime() + min * 60_000);
    const rec = (i: number, o: { answered?: boolean; talk?: number; vm?: boolean; source?: string; tags?: string[]; when?: number }) => {
      const started = at(o.when ?? i);
      const answered = o.answered ? new Date(started.getTime() + 5000) : null;
      return {
        _id: randomBytes(8).toString('hex'),
        account_id: h.accountId,
        callflow_id: cf.id,
        caller_id_number: '5125550000',
        started_at: started,
        answered_at: answered,
        ended_at: new Date((answered ?? started).getTime() + (o.talk ?? 10) * 1000),
        trace: o.answered
          ? [{ module: cf.flow.module, result: 'stop' }]
          : [
              { module: cf.flow.module, result: '_' },
              { module: cf.flow.children._.module, result: 'stop' },
            ],
        attributes: {
          ...(o.answered ? { call_bridged: true } : {}),
          ...(o.vm ? { message_left: true } : {}),
          ...(o.source ? { attribution: { kind: 'tracking_number', source: o.source } } : {}),
          ...(o.tags ? { tags: o.tags } : {}),
        },
      };
    };
    await h.db.collection('calls').insertMany([
      rec(1, { answered: true, talk: 120, source: 'google' }), // qualified by talk time
      rec(2, { answered: true, talk: 30, source: 'google', tags: ['sale'] }), // qualified by tag
      rec(3, { answered: true, talk: 30, source: 'bing' }),
      rec(4, { vm: true, source: 'google' }),
      rec(5, {}),
      rec(6, { answered: true, talk: 300, when: 24 * 60 }), // out of range
      { ...rec(7, { answered: true }), callflow_id: 'another' },
    ] as never[]);
    const from = t0.toISOString();
    const to = at(60).toISOString();
    const stats = await ok('GET', `/callflows/${cf.id}/stats?from=${from}&to=${to}`);
    expect(stats).to.deep.include({ callflow_id: cf.id, total: 5, answered: 3, missed: 2, voicemails: 1, qualified: 2 });
    expect(stats.qualified_rule).to.deep.equal({ min_talk_seconds: 60, tag: 'sale' });
    expect(stats.sources).to.deep.equal([
      { source: 'google', total: 3, answered: 2, missed: 1, voicemails: 1, qualified: 2 },
      // same totals: ordered by source, no source (null) first as the database sorts it
      { source: null, total: 1, answered: 0, missed: 1, voicemails: 0, qualified: 0 },
      { source: 'bing', total: 1, answered: 1, missed: 0, voicemails: 0, qualified: 0 },
    ]);
    expect(stats.nodes).to.deep.equal([
      { path: 'flow', module: cf.flow.module, hits: 5, outcomes: { stop: 3, _: 2 } },
      { path: 'flow.children._', module: cf.flow.children._.module, hits: 2, outcomes: { stop: 2 } },
    ]);
    // "all": talk time AND tag.
    await ok('PATCH', `/callflows/${cf.id}`, { qualified_call: { min_talk_seconds: 60, tag: 'sale', require: 'all' } });
    expect((await ok('GET', `/callflows/${cf.id}/stats?from=${from}&to=${to}`)).qualified).to.equal(0);
    // Gregorian seconds as Kazoo's, and errors naming the parameter.
    const g = (d: Date) => Math.floor(d.getTime() / 1000) + 62_167_219_200;
    expect((await ok('GET', `/callflows/${cf.id}/stats?from=${g(t0)}&to=${g(at(2))}`)).total).to.equal(2);
    const bad = await api('GET', `/callflows/${cf.id}/stats?from=soon`);
    expect(bad.status).to.equal(400);
    expect(bad.body.data).to.have.property('from');
    const reversed = await api('GET', `/callflows/${cf.id}/stats?from=${to}&to=${from}`);
    expect(reversed.status).to.equal(400);
    expect(reversed.body.data).to.have.property('to');
    expect((await api('GET', `/callflows/${'e'.repeat(32)}/stats`)).status).to.equal(404);
  });

  it('needs a token and stays inside the account', async () => {
    const res = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/number_pools`);
    expect(res.status).to.equal(401);
    const other = await fetch(`${h.baseUrl}/v2/accounts/${'c'.repeat(32)}/tracking_numbers`, { headers: { 'X-Auth-Token': client.token } });
    expect(other.status).to.equal(404);
  });
});
