// GET/PUT /v2/accounts/{id}/pivot_secret: read (made on first use) and rotate the pivot signing secret,
// scoped like every account route, never shown by the account document itself.
import { expect } from 'chai';
import { startApi, type Harness } from '../../api/harness.ts';

describe('pivot secret API', function () {
  this.timeout(20_000);
  let api: Harness;
  before(async () => {
    api = await startApi();
  });
  after(async () => api?.close());

  it('is made on first read, stable across reads, rotated by PUT', async () => {
    const path = `/v2/accounts/${api.masterId}/pivot_secret`;
    const first = await api.request('GET', path);
    expect(first.status).to.equal(200);
    expect(first.body.data.pivot_secret).to.match(/^[0-9a-f]{64}$/);
    expect(first.body.data.signature_header).to.equal('X-Ariflow-Signature');
    const again = await api.request('GET', path);
    expect(again.body.data.pivot_secret).to.equal(first.body.data.pivot_secret);
    const rotated = await api.request('PUT', path);
    expect(rotated.status).to.equal(201);
    expect(rotated.body.data.pivot_secret).to.match(/^[0-9a-f]{64}$/).and.not.equal(first.body.data.pivot_secret);
    expect((await api.request('GET', path)).body.data.pivot_secret).to.equal(rotated.body.data.pivot_secret);
  });

  it('is not part of the account document, and survives account updates', async () => {
    const path = `/v2/accounts/${api.masterId}/pivot_secret`;
    const { pivot_secret: secret } = (await api.request('GET', path)).body.data;
    const account = await api.request('GET', `/v2/accounts/${api.masterId}`);
    expect(JSON.stringify(account.body)).not.to.include(secret);
    const updated = await api.request('PATCH', `/v2/accounts/${api.masterId}`, { json: { data: { timezone: 'Europe/Paris' } } });
    expect(updated.status).to.equal(200);
    expect((await api.request('GET', path)).body.data.pivot_secret).to.equal(secret);
  });

  it('needs a token that reaches the account (others: 404, as for every account route)', async () => {
    const child = await api.childAccount(api.masterId, 'pivot child');
    expect((await api.request('GET', `/v2/accounts/${api.masterId}/pivot_secret`, { token: null })).status).to.equal(401);
    expect((await api.request('GET', `/v2/accounts/${api.masterId}/pivot_secret`, { token: child.token })).status).to.equal(404);
    expect((await api.request('PUT', `/v2/accounts/${api.masterId}/pivot_secret`, { token: child.token })).status).to.equal(404);
    const own = await api.request('GET', `/v2/accounts/${child.id}/pivot_secret`, { token: child.token });
    expect(own.status).to.equal(200);
  });
});
