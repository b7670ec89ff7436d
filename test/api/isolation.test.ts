// Account isolation: a token reaches its own account and its descendants only. Any other account's
// documents — read, list, change, delete, sub-resources — answer 404, exactly like ids that do not
// exist, so nothing leaks about what exists elsewhere.
import { expect } from 'chai';
import { startApi, hexId, type Harness } from './harness.ts';

describe('API: account isolation', function () {
  let h: Harness;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let aChild: { id: string; token: string };
  const bDocs: Record<string, string> = {};

  before(async () => {
    h = await startApi();
    a = await h.childAccount(h.masterId, 'Tenant A');
    b = await h.childAccount(h.masterId, 'Tenant B');
    aChild = await h.childAccount(a.id, 'Tenant A child', a.token);
    const mk = async (collection: string, data: unknown) => {
      const res = await h.request('PUT', `/v2/accounts/${b.id}/${collection}`, { token: b.token, json: { data } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.data.id as string;
    };
    bDocs.users = await mk('users', { first_name: 'Bea', last_name: 'Secret' });
    bDocs.callflows = await mk('callflows', { name: 'B main', numbers: ['3001'], flow: { module: 'user', data: { id: bDocs.users } } });
    bDocs.media = await mk('media', { name: 'B greeting', media_source: 'upload' });
    bDocs.devices = await mk('devices', { name: 'B phone', sip: { username: 'tenant_b_phone', password: 'pw-b-12345' } });
  });
  after(async () => h?.close());

  async function sameAsMissing(method: string, path: string, body?: unknown) {
    const res = await h.request(method, path, { token: a.token, json: body });
    const missing = await h.request(method, path.replace(/[0-9a-f]{32}(?=[^/]*$)/, hexId()), { token: a.token, json: body });
    expect(res.status, `${method} ${path}`).to.equal(404);
    expect(missing.status).to.equal(404);
    // Same body apart from the request id: no hint that the document exists.
    expect({ ...res.body, request_id: 0 }).to.deep.equal({ ...missing.body, request_id: 0 });
  }

  it("cannot read, list, change or delete another account's documents", async () => {
    for (const [collection, id] of Object.entries(bDocs)) {
      await sameAsMissing('GET', `/v2/accounts/${b.id}/${collection}/${id}`);
      await sameAsMissing('POST', `/v2/accounts/${b.id}/${collection}/${id}`, { data: { name: 'pwned' } });
      await sameAsMissing('PATCH', `/v2/accounts/${b.id}/${collection}/${id}`, { data: { name: 'pwned' } });
      await sameAsMissing('DELETE', `/v2/accounts/${b.id}/${collection}/${id}`);
      const list = await h.request('GET', `/v2/accounts/${b.id}/${collection}`, { token: a.token });
      expect(list.status).to.equal(404);
      const create = await h.request('PUT', `/v2/accounts/${b.id}/${collection}`, { token: a.token, json: { data: { name: 'x' } } });
      expect(create.status).to.equal(404);
    }
    // B's documents are untouched.
    const still = await h.request('GET', `/v2/accounts/${b.id}/callflows/${bDocs.callflows}`, { token: b.token });
    expect(still.body.data.name).to.equal('B main');
  });

  it("cannot reach another account's document through its own account path", async () => {
    for (const [collection, id] of Object.entries(bDocs)) {
      const res = await h.request('GET', `/v2/accounts/${a.id}/${collection}/${id}`, { token: a.token });
      expect(res.status).to.equal(404);
      const del = await h.request('DELETE', `/v2/accounts/${a.id}/${collection}/${id}`, { token: a.token });
      expect(del.status).to.equal(404);
    }
    const filtered = await h.request('GET', `/v2/accounts/${a.id}/callflows?filter_account_id=${b.id}&filter_id=${bDocs.callflows}`, { token: a.token });
    expect(filtered.status).to.equal(200);
    expect(filtered.body.data).to.deep.equal([]);
  });

  it('cannot reach the other account itself, its sub-resources, import, export or media', async () => {
    for (const [method, path] of [
      ['GET', `/v2/accounts/${b.id}`],
      ['POST', `/v2/accounts/${b.id}`],
      ['PUT', `/v2/accounts/${b.id}`],
      ['DELETE', `/v2/accounts/${b.id}`],
      ['GET', `/v2/accounts/${b.id}/children`],
      ['GET', `/v2/accounts/${b.id}/api_key`],
      ['PUT', `/v2/accounts/${b.id}/api_key`],
      ['GET', `/v2/accounts/${b.id}/export`],
      ['PUT', `/v2/accounts/${b.id}/import`],
      ['GET', `/v2/accounts/${b.id}/media/${bDocs.media}/raw`],
      ['PUT', `/v2/accounts/${b.id}/callflows/${bDocs.callflows}/duplicate`],
      ['GET', `/v2/accounts/${b.id}/devices/${bDocs.devices}/status`],
    ] as const) {
      const res = await h.request(method, path, { token: a.token, json: method === 'GET' ? undefined : { data: { name: 'x' } } });
      expect(res.status, `${method} ${path}`).to.equal(404);
    }
    const unknownAccount = await h.request('GET', `/v2/accounts/${hexId()}`, { token: a.token });
    expect(unknownAccount.status).to.equal(404);
  });

  it('reaches descendants but never ancestors or siblings', async () => {
    expect((await h.request('GET', `/v2/accounts/${aChild.id}`, { token: a.token })).status).to.equal(200);
    const made = await h.request('PUT', `/v2/accounts/${aChild.id}/users`, { token: a.token, json: { data: { first_name: 'Kid', last_name: 'User' } } });
    expect(made.status).to.equal(201);
    expect((await h.request('GET', `/v2/accounts/${a.id}`, { token: aChild.token })).status).to.equal(404);
    expect((await h.request('GET', `/v2/accounts/${h.masterId}`, { token: a.token })).status).to.equal(404);
    expect((await h.request('GET', `/v2/accounts/${b.id}`, { token: aChild.token })).status).to.equal(404);
    // The master reaches everyone.
    expect((await h.request('GET', `/v2/accounts/${b.id}/callflows/${bDocs.callflows}`)).status).to.equal(200);
  });

  it('scopes numbers per account: the same extension can exist in two accounts', async () => {
    const res = await h.request('PUT', `/v2/accounts/${a.id}/callflows`, {
      token: a.token,
      json: { data: { name: 'A main', numbers: ['3001'], flow: { module: 'hangup', data: {} } } },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });

  it("refuses a SIP user name used in another account without naming that account's device", async () => {
    const res = await h.request('PUT', `/v2/accounts/${a.id}/devices`, {
      token: a.token,
      json: { data: { name: 'A phone', sip: { username: 'tenant_b_phone', password: 'pw-a-12345' } } },
    });
    expect(res.status).to.equal(400);
    expect(res.body.data['sip.username'].unique.message).to.include('another device').and.not.include(bDocs.devices);
  });
});
