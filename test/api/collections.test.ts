// The Crossbar verbs on every collection, against the real database: create (PUT and POST), read,
// list (summaries, pagination, filters), replace, merge, delete, revisions and the envelope.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { startApi, type Harness } from './harness.ts';

const bundle = JSON.parse(readFileSync(new URL('../fixtures/api/kazoo-export.json', import.meta.url), 'utf8')) as Record<string, Array<Record<string, unknown>>>;
const COLLECTIONS = ['callflows', 'devices', 'users', 'groups', 'menus', 'temporal_rules', 'temporal_rules_sets', 'vmboxes', 'media', 'directories', 'conferences'];

/** A fresh document for a collection, based on the fixture (its references exist once the bundle is imported). */
function sample(collection: string, n: number): Record<string, unknown> {
  const { id: _id, ...doc } = structuredClone(bundle[collection][0]);
  if (collection === 'callflows') {
    doc.numbers = [`77${String(n).padStart(2, '0')}`];
    delete doc.patterns;
  }
  if (collection === 'devices') doc.sip = { ...(doc.sip as object), username: `crud_dev_${n}` };
  if (collection === 'users') doc.first_name = `Sample${n}`;
  else doc.name = `Sample ${collection} ${n}`;
  doc.custom_field = { nested: { kept: [1, 'two', { three: true }] } };
  return doc;
}

describe('API: collections', function () {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startApi();
    const acct = await h.childAccount(h.masterId, 'Collections');
    base = `/v2/accounts/${acct.id}`;
    const imported = await h.request('PUT', `${base}/import`, { json: { data: bundle } });
    expect(imported.body.data.summary.failed, JSON.stringify(imported.body.data.results.filter((r: { status: string }) => r.status === 'failed'))).to.equal(0);
  });
  after(async () => h?.close());

  for (const [i, collection] of COLLECTIONS.entries()) {
    it(`${collection}: create, read, list, replace, merge, delete`, async () => {
      const doc = sample(collection, i);
      const created = await h.request('PUT', `${base}/${collection}`, { json: { data: doc } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const { id, ...shown } = created.body.data;
      expect(id).to.match(/^[0-9a-f]{32}$/);
      if (collection === 'users') delete doc.password;
      expect(shown).to.deep.equal(doc);
      expect(created.body.revision).to.match(/^1-/);
      expect(created.headers.get('etag')).to.equal(`"${created.body.revision}"`);

      const read = await h.request('GET', `${base}/${collection}/${id}`);
      expect(read.status).to.equal(200);
      expect(read.body.data).to.deep.equal({ ...doc, id });
      expect(read.body).to.include({ status: 'success', revision: created.body.revision });

      const list = await h.request('GET', `${base}/${collection}?paginate=false`);
      expect(list.status).to.equal(200);
      const summary = list.body.data.find((d: { id: string }) => d.id === id);
      expect(summary, 'listed').to.be.an('object');
      expect(summary).not.to.have.property('custom_field');

      const replaced = await h.request('POST', `${base}/${collection}/${id}`, { json: { data: { ...doc, custom_field: 'replaced', extra: 1 } } });
      expect(replaced.status, JSON.stringify(replaced.body)).to.equal(200);
      expect(replaced.body.data).to.include({ custom_field: 'replaced', extra: 1 });
      expect(replaced.body.revision).to.match(/^2-/);

      const patched = await h.request('PATCH', `${base}/${collection}/${id}`, { json: { data: { extra: null, added: { a: 1 } } } });
      expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
      expect(patched.body.data).not.to.have.property('extra');
      expect(patched.body.data).to.deep.include({ custom_field: 'replaced', added: { a: 1 } });

      const deleted = await h.request('DELETE', `${base}/${collection}/${id}`);
      expect(deleted.status).to.equal(200);
      expect(deleted.body.data.id).to.equal(id);
      expect((await h.request('GET', `${base}/${collection}/${id}`)).status).to.equal(404);
      expect((await h.request('DELETE', `${base}/${collection}/${id}`)).status).to.equal(404);
    });
  }

  it('accepts POST on a collection as create, and ignores server fields given by the client', async () => {
    const res = await h.request('POST', `${base}/menus`, {
      json: { data: { name: 'Posted', id: 'f'.repeat(32), _id: 'x', account_id: h.masterId, pvt_type: 'hacked', pvt_created: 1, _rev: '9-x' } },
    });
    expect(res.status).to.equal(201);
    expect(res.body.data).to.deep.equal({ name: 'Posted', id: res.body.data.id });
    expect(res.body.data.id).not.to.equal('f'.repeat(32));
    const raw = await h.store.db.collection('menus').findOne({ _id: res.body.data.id });
    expect(raw).to.include({ pvt_type: 'menu', account_id: base.split('/').pop() });
  });

  it('uses revisions for optimistic concurrency (If-Match or data._rev: 409 when stale) and If-None-Match', async () => {
    const created = await h.request('PUT', `${base}/menus`, { json: { data: { name: 'Concurrent' } } });
    const { id } = created.body.data;
    const rev1 = created.body.revision;
    const first = await h.request('POST', `${base}/menus/${id}`, { json: { data: { name: 'First' } }, headers: { 'If-Match': `"${rev1}"` } });
    expect(first.status).to.equal(200);
    const stale = await h.request('POST', `${base}/menus/${id}`, { json: { data: { name: 'Second' } }, headers: { 'If-Match': `"${rev1}"` } });
    expect(stale.status).to.equal(409);
    expect(stale.body.data.revision).to.equal(first.body.revision);
    const staleRev = await h.request('PATCH', `${base}/menus/${id}`, { json: { data: { name: 'Third', _rev: rev1 } } });
    expect(staleRev.status).to.equal(409);
    const staleDelete = await h.request('DELETE', `${base}/menus/${id}`, { headers: { 'If-Match': rev1 } });
    expect(staleDelete.status).to.equal(409);
    const notModified = await h.request('GET', `${base}/menus/${id}`, { headers: { 'If-None-Match': `"${first.body.revision}"` } });
    expect(notModified.status).to.equal(304);
    const current = await h.request('GET', `${base}/menus/${id}`);
    expect(current.body.data.name).to.equal('First');
  });

  it('paginates with page_size and opaque start_key / next_start_key', async () => {
    const acct = await h.childAccount(h.masterId, 'Pages');
    const pbase = `/v2/accounts/${acct.id}`;
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await h.request('PUT', `${pbase}/directories`, { json: { data: { name: `Dir ${i}` } } })).body.data.id);
    const seen: string[] = [];
    let key: string | undefined;
    let pages = 0;
    do {
      const res = await h.request('GET', `${pbase}/directories?page_size=3${key ? `&start_key=${key}` : ''}`);
      expect(res.status).to.equal(200);
      expect(res.body.page_size).to.equal(res.body.data.length);
      seen.push(...res.body.data.map((d: { id: string }) => d.id));
      key = res.body.next_start_key;
      if (key) expect(res.body.data).to.have.length(3);
      pages++;
    } while (key && pages < 10);
    expect(pages).to.equal(3);
    expect(seen).to.deep.equal([...made].sort());
    expect((await h.request('GET', `${pbase}/directories?page_size=0`)).status).to.equal(400);
    expect((await h.request('GET', `${pbase}/directories?page_size=abc`)).status).to.equal(400);
    expect((await h.request('GET', `${pbase}/directories?start_key=%%%`)).status).to.equal(400);
    expect((await h.request('GET', `${pbase}/directories?paginate=false`)).body.data).to.have.length(7);
  });

  it('filters lists with filter_<field>, filter_not_, has_key, key_missing and nested fields', async () => {
    const names = async (q: string, collection = 'users') => {
      const res = await h.request('GET', `${base}/${collection}?paginate=false&${q}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body.data.map((d: { id: string }) => d.id).sort();
    };
    const [alice, bob, carol] = bundle.users.map((u) => u.id as string);
    expect(await names('filter_first_name=Alice')).to.deep.equal([alice]);
    expect(await names('filter_enabled=false')).to.deep.equal([carol]);
    expect(await names('filter_caller_id.internal.number=2002')).to.deep.equal([bob]);
    expect(await names('has_key=hotdesk')).to.deep.equal([alice]);
    expect(await names('filter_not_priv_level=user')).to.include(alice).and.not.include(bob);
    expect(await names('key_missing=email&filter_last_name=Diaz')).to.deep.equal([carol]);
    expect(await names('filter_sip.username=user_k3x9ab', 'devices')).to.deep.equal([bundle.devices[0].id]);
    expect(await names('filter_numbers=2001', 'callflows')).to.deep.equal([bundle.callflows[1].id]);
    expect((await h.request('GET', `${base}/users?filter_$where=1`)).status).to.equal(400);
  });

  it('keeps integers written as strings and unknown fields exactly as sent', async () => {
    const data = { name: 'Legacy menu', retries: '3', timeout: '10000', hunt: 'true', ui: { x: [1, { y: null }] } };
    const res = await h.request('PUT', `${base}/menus`, { json: { data } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const read = await h.request('GET', `${base}/menus/${res.body.data.id}`);
    expect(read.body.data).to.deep.equal({ ...data, id: res.body.data.id });
  });

  it('answers unknown paths with 404 and other methods with 405, in the error envelope', async () => {
    const notFound = await h.request('GET', `${base}/faxes`);
    expect(notFound.status).to.equal(404);
    expect(notFound.body).to.include({ status: 'error', error: '404' });
    const wrong = await h.request('DELETE', `${base}/menus`);
    expect(wrong.status).to.equal(405);
    expect(wrong.headers.get('allow')).to.include('GET');
  });
});
