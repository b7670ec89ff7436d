// Import and export: a Kazoo-shaped export (own fixture: callflows, users, devices, groups, menus,
// temporal rules and sets, vmboxes, media, directories, conferences) imports with no error, every
// document GETs back equal, export returns the same JSON, and bad documents fail one by one.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { startApi, hexId, type Harness } from './harness.ts';

const bundle = JSON.parse(readFileSync(new URL('../fixtures/api/kazoo-export.json', import.meta.url), 'utf8')) as Record<string, Array<Record<string, unknown>>>;
const total = Object.values(bundle).reduce((n, docs) => n + docs.length, 0);
const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0);

describe('API: import and export', function () {
  let h: Harness;
  before(async () => (h = await startApi()));
  after(async () => h?.close());

  it('imports a Kazoo export with no error; every document GETs back equal; export returns the same JSON', async () => {
    const acct = await h.childAccount(h.masterId, 'Imported');
    const base = `/v2/accounts/${acct.id}`;
    const res = await h.request('PUT', `${base}/import`, { json: { data: bundle } });
    expect(res.status).to.equal(200);
    const failed = res.body.data.results.filter((r: { status: string }) => r.status !== 'created');
    expect(failed, JSON.stringify(failed, null, 1)).to.deep.equal([]);
    expect(res.body.data.summary).to.deep.equal({ created: total, updated: 0, failed: 0 });

    for (const [collection, docs] of Object.entries(bundle)) {
      for (const doc of docs) {
        const got = await h.request('GET', `${base}/${collection}/${doc.id}`);
        expect(got.status).to.equal(200);
        expect(got.body.data, `${collection} ${doc.id}`).to.deep.equal(doc);
      }
    }

    const exported = await h.request('GET', `${base}/export`);
    expect(exported.status).to.equal(200);
    for (const [collection, docs] of Object.entries(bundle)) {
      expect(exported.body.data[collection], collection).to.deep.equal([...docs].sort(byId));
    }

    // Importing the export again updates every document in place and changes nothing.
    const again = await h.request('PUT', `${base}/import`, { json: { data: exported.body.data } });
    expect(again.body.data.summary).to.deep.equal({ created: 0, updated: total, failed: 0 });
    const second = await h.request('GET', `${base}/export`);
    expect(second.body.data).to.deep.equal(exported.body.data);

    const some = await h.request('GET', `${base}/export?collections=menus,media`);
    expect(Object.keys(some.body.data)).to.deep.equal(['menus', 'media']);
    expect((await h.request('GET', `${base}/export?collections=faxes`)).status).to.equal(400);
  });

  it('accepts raw Kazoo documents (array with pvt_type and _id) and drops their private fields', async () => {
    const acct = await h.childAccount(h.masterId, 'Raw');
    const id = hexId();
    const raw = [
      { _id: id, _rev: '3-abc', pvt_type: 'menu', pvt_account_id: 'x', pvt_created: 63800000000, name: 'Raw menu', retries: 2 },
      { _id: hexId(), pvt_type: 'temporal_rule', name: 'Every day', cycle: 'daily', interval: 1 },
    ];
    const res = await h.request('PUT', `/v2/accounts/${acct.id}/import`, { json: { data: raw } });
    expect(res.body.data.summary, JSON.stringify(res.body.data)).to.deep.equal({ created: 2, updated: 0, failed: 0 });
    const got = await h.request('GET', `/v2/accounts/${acct.id}/menus/${id}`);
    expect(got.body.data).to.deep.equal({ id, name: 'Raw menu', retries: 2 });
  });

  it('reports each bad document without stopping at the first', async () => {
    const acct = await h.childAccount(h.masterId, 'Partial');
    const base = `/v2/accounts/${acct.id}`;
    const userId = hexId();
    const ids = { good: hexId(), badModule: hexId(), dangling: hexId(), dupe: hexId(), refersToBad: hexId(), badType: hexId() };
    const data = {
      users: [{ id: userId, first_name: 'Good', last_name: 'User' }],
      menus: [{ id: ids.badType, name: 'Bad menu', retries: 'many' }],
      callflows: [
        { id: ids.good, name: 'good', numbers: ['1000'], flow: { module: 'user', data: { id: userId } } },
        { id: ids.badModule, name: 'bad module', numbers: ['1001'], flow: { module: 'no_such_module', data: {} } },
        { id: ids.dangling, name: 'dangling', numbers: ['1002'], flow: { module: 'ring_group', data: { endpoints: [{ id: 'f'.repeat(32), endpoint_type: 'device' }] } } },
        { id: ids.dupe, name: 'dupe', numbers: ['1000'], flow: { module: 'hangup', data: {} } },
        { id: ids.refersToBad, name: 'uses bad menu', numbers: ['1003'], flow: { module: 'menu', data: { id: ids.badType } } },
      ],
      faxes: [{ id: hexId(), name: 'not a collection' }],
    };
    const res = await h.request('PUT', `${base}/import`, { json: { data } });
    expect(res.status).to.equal(200);
    const result = (id: string) => res.body.data.results.find((r: { id: string }) => r.id === id);
    expect(result(userId).status).to.equal('created');
    expect(result(ids.good).status).to.equal('created');
    expect(result(ids.badModule).errors['flow.module'].enum.message).to.include('no_such_module');
    expect(result(ids.dangling).errors['flow.data.endpoints.0.id'].reference.message).to.include('does not exist');
    expect(result(ids.dupe).errors.numbers.unique.message).to.equal(`Number 1000 exists in callflow ${ids.good}`);
    expect(result(ids.badType).errors.retries.type.message).to.equal('must be an integer');
    expect(result(ids.refersToBad).errors['flow.data.id'].reference).to.be.an('object');
    expect(res.body.data.results.find((r: { at: string }) => r.at === 'faxes.0').status).to.equal('failed');
    expect(res.body.data.summary).to.deep.equal({ created: 2, updated: 0, failed: 6 });
    expect((await h.request('GET', `${base}/callflows/${ids.good}`)).status).to.equal(200);
    expect((await h.request('GET', `${base}/callflows/${ids.dupe}`)).status).to.equal(404);
  });

  it('refuses ids already used by another account (ids are global), per document', async () => {
    const first = await h.childAccount(h.masterId, 'First');
    const second = await h.childAccount(h.masterId, 'Second');
    const id = hexId();
    const doc = { menus: [{ id, name: 'Shared id' }] };
    expect((await h.request('PUT', `/v2/accounts/${first.id}/import`, { json: { data: doc } })).body.data.summary.created).to.equal(1);
    const res = await h.request('PUT', `/v2/accounts/${second.id}/import`, { json: { data: doc } });
    expect(res.body.data.results[0].errors.id.unique.message).to.include('another account');
  });

  it('refuses a bundle that is not one (400), and a body over the import limit (413)', async () => {
    expect((await h.request('PUT', `/v2/accounts/${h.masterId}/import`, { json: { data: 'nope' } })).status).to.equal(400);
    expect((await h.request('PUT', `/v2/accounts/${h.masterId}/import`, { json: { nodata: [] } })).status).to.equal(400);
    const huge = `{"data":{"menus":[{"name":"${'x'.repeat(17 * 1024 * 1024)}"}]}}`;
    expect((await h.request('PUT', `/v2/accounts/${h.masterId}/import`, { raw: huge, contentType: 'application/json' })).status).to.equal(413);
  });
});
