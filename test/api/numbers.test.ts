// Callflow numbers and patterns: normalised like Kazoo, unique per account through the database
// (concurrent creates race on a unique key: exactly one wins), released on change and delete, a
// crash's leftovers taken over; duplicate and bulk number assignment.
import { expect } from 'chai';
import { startApi, hexId, type Harness } from './harness.ts';

const flow = { module: 'hangup', data: {} };

describe('API: callflow numbers and patterns', function () {
  let h: Harness;
  let base: string;
  let accountId: string;
  before(async () => {
    h = await startApi();
    const acct = await h.childAccount(h.masterId, 'Numbers');
    accountId = acct.id;
    base = `/v2/accounts/${acct.id}`;
  });
  after(async () => h?.close());

  const create = (data: Record<string, unknown>) => h.request('PUT', `${base}/callflows`, { json: { data: { flow, ...data } } });

  it('normalises numbers as Kazoo does and keeps extensions, star codes and no_match', async () => {
    const res = await create({ name: 'norm', numbers: ['4155550100', '1 (415) 555-0101', '+442079460000', '2001', '*97', 'no_match', '011442079460001'] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.data.numbers).to.deep.equal(['+14155550100', '+14155550101', '+442079460000', '2001', '*97', 'no_match', '+442079460001']);
  });

  it('needs a number or a pattern', async () => {
    const res = await create({ name: 'none', numbers: [] });
    expect(res.status).to.equal(400);
    expect(res.body.data).to.have.nested.property('numbers.required.message');
  });

  it('refuses a number another callflow holds, naming the number and the holder (400 unique)', async () => {
    const first = await create({ name: 'holder', numbers: ['5001', '5002'] });
    // Written differently but normalised to the same E.164 number as the first test's.
    const second = await create({ name: 'intruder', numbers: ['5003', '5002', '(415) 555-0100'] });
    expect(second.status).to.equal(400);
    const unique = second.body.data.numbers.unique;
    expect(unique.message).to.include('Number 5002 exists in callflow ' + first.body.data.id);
    expect(unique.message).to.include('+14155550100');
    expect(unique.cause).to.equal('5002');
    // All or nothing: 5003 was not kept by the failed create.
    expect((await create({ name: 'free', numbers: ['5003'] })).status).to.equal(201);
  });

  it('lets exactly one of many concurrent creates of a number succeed', async () => {
    for (let round = 0; round < 3; round++) {
      const number = `60${round}0`;
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => create({ name: `racer ${i}`, numbers: [number, `61${round}${i}`] })));
      const wins = results.filter((r) => r.status === 201);
      const losses = results.filter((r) => r.status !== 201);
      expect(wins, JSON.stringify(results.map((r) => [r.status, r.body.data]))).to.have.length(1);
      for (const l of losses) {
        expect(l.status).to.equal(400);
        expect(l.body.data.numbers.unique.message).to.equal(`Number ${number} exists in callflow ${wins[0].body.data.id}`);
      }
      const owners = await h.store.db.collection('callflows').countDocuments({ account_id: accountId, numbers: number });
      expect(owners).to.equal(1);
      // The losers' other numbers were released.
      for (let i = 0; i < 8; i++) {
        const winnerHas = (wins[0].body.data.numbers as string[]).includes(`61${round}${i}`);
        expect(await h.store.db.collection('callflow_numbers').countDocuments({ _id: `${accountId}:n:61${round}${i}` as never })).to.equal(winnerHas ? 1 : 0);
      }
    }
  });

  it('makes patterns unique per account too', async () => {
    const first = await create({ name: 'pattern', patterns: ['^\\*5([0-9]+)$'] });
    expect(first.status).to.equal(201);
    const second = await create({ name: 'same pattern', patterns: ['^\\*5([0-9]+)$'] });
    expect(second.status).to.equal(400);
    expect(second.body.data.patterns.unique.message).to.equal(`Pattern ^\\*5([0-9]+)$ exists in callflow ${first.body.data.id}`);
    const bad = await create({ name: 'bad pattern', patterns: ['^(unclosed$'] });
    expect(bad.status).to.equal(400);
    expect(bad.body.data['patterns.0'].format.message).to.include('regular expression');
  });

  it('releases numbers a callflow no longer lists, and all of them on delete', async () => {
    const cf = await create({ name: 'mover', numbers: ['7001', '7002'] });
    const id = cf.body.data.id;
    const upd = await h.request('POST', `${base}/callflows/${id}`, { json: { data: { name: 'mover', flow, numbers: ['7002', '7003'] } } });
    expect(upd.status).to.equal(200);
    expect((await create({ name: 'takes 7001', numbers: ['7001'] })).status).to.equal(201);
    expect((await create({ name: 'wants 7003', numbers: ['7003'] })).status).to.equal(400);
    expect((await h.request('DELETE', `${base}/callflows/${id}`)).status).to.equal(200);
    expect((await create({ name: 'gets 7002', numbers: ['7002', '7003'] })).status).to.equal(201);
  });

  it("takes over a claim left by a crash (owner does not list the number) once it is old enough", async () => {
    // As if a process died between claiming 8001 and writing its callflow a minute ago.
    await h.store.db.collection('callflow_numbers').insertOne({
      _id: `${accountId}:n:8001` as never,
      account_id: accountId,
      kind: 'number',
      value: '8001',
      callflow_id: hexId(),
      claimed_at: new Date(Date.now() - 60_000),
    });
    const res = await create({ name: 'after crash', numbers: ['8001'] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    // A fresh claim (a write in progress right now) is respected.
    await h.store.db.collection('callflow_numbers').insertOne({
      _id: `${accountId}:n:8002` as never,
      account_id: accountId,
      kind: 'number',
      value: '8002',
      callflow_id: 'in-flight',
      claimed_at: new Date(),
    });
    expect((await create({ name: 'too early', numbers: ['8002'] })).status).to.equal(400);
  });

  it('duplicates a callflow as "Copy of <name>" without numbers', async () => {
    const orig = await create({ name: 'Reception', numbers: ['9001'], patterns: ['^9[0-9]{3}$'], featurecode: { name: 'x', number: '9' }, ui_metadata: { v: 1 } });
    const dup = await h.request('PUT', `${base}/callflows/${orig.body.data.id}/duplicate`);
    expect(dup.status, JSON.stringify(dup.body)).to.equal(201);
    expect(dup.body.data).to.deep.equal({ name: 'Copy of Reception', flow, ui_metadata: { v: 1 }, id: dup.body.data.id });
    expect(dup.body.data.id).not.to.equal(orig.body.data.id);
    const named = await h.request('PUT', `${base}/callflows/${orig.body.data.id}/duplicate`, { json: { data: { name: 'Reception 2', numbers: ['9002'] } } });
    expect(named.status).to.equal(201);
    expect(named.body.data).to.include({ name: 'Reception 2' });
    expect(named.body.data.numbers).to.deep.equal(['9002']);
  });

  it('assigns many numbers at once, all or nothing', async () => {
    const cf = await create({ name: 'Bulk', numbers: ['9100'] });
    const id = cf.body.data.id;
    const many = Array.from({ length: 50 }, (_, i) => `91${String(i + 1).padStart(2, '0')}`);
    const res = await h.request('PUT', `${base}/callflows/${id}/numbers`, { json: { data: { numbers: many } } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.data.numbers).to.have.length(51);
    const other = await create({ name: 'Other', numbers: ['9200'] });
    const conflict = await h.request('PUT', `${base}/callflows/${other.body.data.id}/numbers`, { json: { data: { numbers: ['9201', '9110', '9120'] } } });
    expect(conflict.status).to.equal(400);
    expect(conflict.body.data.numbers.unique.message).to.include('9110').and.include('9120').and.include(id);
    const after = await h.request('GET', `${base}/callflows/${other.body.data.id}`);
    expect(after.body.data.numbers).to.deep.equal(['9200']);
    expect((await create({ name: 'gets 9201', numbers: ['9201'] })).status).to.equal(201);
  });
});
