// Accounts and authentication over HTTP: master key from the environment, tokens, child accounts,
// API keys stored hashed, token expiry and revocation, and no secret in the logs.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { redactedKeys } from '../../lib/log.ts';
import { ensureMasterAccount } from '../../lib/accounts/bootstrap.ts';
import { sha256 } from '../../lib/accounts/secrets.ts';
import { startApi, type Harness } from './harness.ts';

describe('API: accounts and authentication', function () {
  let h: Harness;
  const logLines: string[] = [];
  before(async () => {
    // A real pino logger (with the project's redaction) writing into memory, to inspect the logs.
    const sink = new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) });
    const logger = pino({ level: 'debug', redact: { paths: [...redactedKeys, ...redactedKeys.map((k) => `*.${k}`)], censor: '[redacted]' } }, sink);
    h = await startApi({ logger });
  });
  after(async () => h?.close());

  it('gives a token for the master key from ARIFLOW_MASTER_API_KEY, in Crossbar\'s envelope', async () => {
    const res = await h.request('PUT', '/v2/api_auth', { token: null, json: { data: { api_key: h.masterKey } } });
    expect(res.status).to.equal(201);
    expect(res.body.status).to.equal('success');
    expect(res.body.auth_token).to.match(/^[0-9a-f]{64}$/);
    expect(res.body.request_id).to.be.a('string');
    expect(res.body.data).to.include({ account_id: h.masterId, is_master: true });
    expect(res.headers.get('x-request-id')).to.equal(res.body.request_id);
  });

  it('accepts POST on api_auth too and refuses a wrong key with 401', async () => {
    const ok = await h.request('POST', '/v2/api_auth', { token: null, json: { data: { api_key: h.masterKey } } });
    expect(ok.status).to.equal(201);
    const bad = await h.request('PUT', '/v2/api_auth', { token: null, json: { data: { api_key: 'f'.repeat(64) } } });
    expect(bad.status).to.equal(401);
    expect(bad.body).to.include({ status: 'error', error: '401' });
    const missing = await h.request('PUT', '/v2/api_auth', { token: null, json: { data: {} } });
    expect(missing.status).to.equal(400);
    expect(missing.body.data).to.have.property('api_key');
  });

  it('requires X-Auth-Token on every other request (401), accepting Bearer and ?auth_token too', async () => {
    const none = await h.request('GET', `/v2/accounts/${h.masterId}`, { token: null });
    expect(none.status).to.equal(401);
    const wrong = await h.request('GET', `/v2/accounts/${h.masterId}`, { token: 'a'.repeat(64) });
    expect(wrong.status).to.equal(401);
    const bearer = await h.request('GET', `/v2/accounts/${h.masterId}`, { token: null, headers: { Authorization: `Bearer ${h.masterToken}` } });
    expect(bearer.status).to.equal(200);
    const query = await h.request('GET', `/v2/accounts/${h.masterId}?auth_token=${h.masterToken}`, { token: null });
    expect(query.status).to.equal(200);
    expect(query.body.auth_token).to.equal(h.masterToken);
  });

  it('creates a child account under a parent, with its own key and token', async () => {
    const child = await h.childAccount(h.masterId, 'Acme Corp');
    const got = await h.request('GET', `/v2/accounts/${child.id}`, { token: child.token });
    expect(got.status).to.equal(200);
    expect(got.body.data).to.include({ id: child.id, name: 'Acme Corp', parent_id: h.masterId });
    expect(got.body.revision).to.be.a('string');
    const children = await h.request('GET', `/v2/accounts/${h.masterId}/children`);
    expect(children.body.data.map((a: { id: string }) => a.id)).to.include(child.id);
    const grandchild = await h.childAccount(child.id, 'Acme Branch', child.token);
    const desc = await h.request('GET', `/v2/accounts/${h.masterId}/descendants`);
    expect(desc.body.data.map((a: { id: string }) => a.id)).to.include.members([child.id, grandchild.id]);
  });

  it('validates account documents (400 keyed by field and rule)', async () => {
    const res = await h.request('PUT', `/v2/accounts/${h.masterId}`, { json: { data: { name: '', realm: 'bad realm!' } } });
    expect(res.status).to.equal(400);
    expect(res.body.message).to.equal('validation error');
    expect(res.body.data).to.have.nested.property('name.minLength.message');
    expect(res.body.data).to.have.nested.property('realm.pattern.message');
  });

  it('stores API keys and tokens hashed only; GET api_key cannot return a key, PUT re-creates one', async () => {
    const child = await h.childAccount(h.masterId, 'Hash check');
    const raw = await h.store.db.collection('accounts').findOne({ _id: child.id as never });
    expect(JSON.stringify(raw)).not.to.include(child.apiKey);
    expect(raw?.pvt_api_key_hash).to.equal(sha256(child.apiKey));
    const tokenDoc = await h.store.db.collection('auth_tokens').findOne({ _id: sha256(child.token) as never });
    expect(tokenDoc?.account_id).to.equal(child.id);
    expect(JSON.stringify(await h.store.db.collection('auth_tokens').find().toArray())).not.to.include(child.token);

    const got = await h.request('GET', `/v2/accounts/${child.id}/api_key`, { token: child.token });
    expect(got.status).to.equal(200);
    expect(got.body.data).to.include({ api_key: null, has_api_key: true });
    const renewed = await h.request('PUT', `/v2/accounts/${child.id}/api_key`, { token: child.token });
    expect(renewed.status).to.equal(201);
    const newKey = renewed.body.data.api_key as string;
    expect(newKey).to.match(/^[0-9a-f]{64}$/).and.not.equal(child.apiKey);
    expect((await h.request('PUT', '/v2/api_auth', { token: null, json: { data: { api_key: child.apiKey } } })).status).to.equal(401);
    expect(await h.login(newKey)).to.match(/^[0-9a-f]{64}$/);
  });

  it('revokes a token (DELETE /v2/token_auth) and reports it (GET)', async () => {
    const token = await h.login(h.masterKey);
    const info = await h.request('GET', '/v2/token_auth', { token });
    expect(info.body.data.account_id).to.equal(h.masterId);
    expect((await h.request('DELETE', '/v2/token_auth', { token })).status).to.equal(200);
    expect((await h.request('GET', `/v2/accounts/${h.masterId}`, { token })).status).to.equal(401);
  });

  it('expires tokens', async () => {
    const short = await startApi({ tokenTtlSeconds: 2 });
    try {
      const login = await short.request('PUT', '/v2/api_auth', { token: null, json: { data: { api_key: short.masterKey } } });
      const token = login.body.auth_token as string;
      const expiresAt = Date.parse(login.body.data.expires_at);
      expect(login.body.data.expires_in).to.equal(2);
      expect((await short.request('GET', `/v2/accounts/${short.masterId}`, { token })).status).to.equal(200);
      await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 50));
      expect((await short.request('GET', `/v2/accounts/${short.masterId}`, { token })).status).to.equal(401);
    } finally {
      await short.close();
    }
  });

  it('keeps the master key across restarts, and replaces it only when ARIFLOW_MASTER_API_KEY changes', async () => {
    const renewed = await h.request('PUT', `/v2/accounts/${h.masterId}/api_key`);
    const apiKey = renewed.body.data.api_key as string;
    // Restart with the same variable: the key re-created over the API stays.
    await ensureMasterAccount(h.store.db, { masterApiKey: h.masterKey, logger: h.logger });
    expect(await h.login(apiKey)).to.be.a('string');
    // A new value of the variable is the recovery path: it replaces the key.
    const recovery = 'e'.repeat(64);
    const again = await ensureMasterAccount(h.store.db, { masterApiKey: recovery, logger: h.logger });
    expect(again._id).to.equal(h.masterId);
    expect(await h.login(recovery)).to.be.a('string');
    expect((await h.request('PUT', '/v2/api_auth', { token: null, json: { data: { api_key: apiKey } } })).status).to.equal(401);
    h.masterKey = recovery;
  });

  it('protects the token\'s own account and the master from deletion; deletes a child with its documents', async () => {
    const child = await h.childAccount(h.masterId, 'Doomed');
    expect((await h.request('DELETE', `/v2/accounts/${child.id}`, { token: child.token })).status).to.equal(403);
    expect((await h.request('DELETE', `/v2/accounts/${h.masterId}`)).status).to.equal(403);
    const user = await h.request('PUT', `/v2/accounts/${child.id}/users`, { json: { data: { first_name: 'Temp', last_name: 'User' } } });
    expect(user.status).to.equal(201);
    const del = await h.request('DELETE', `/v2/accounts/${child.id}`);
    expect(del.status).to.equal(200);
    expect((await h.request('GET', `/v2/accounts/${child.id}`)).status).to.equal(404);
    expect(await h.store.db.collection('users').countDocuments({ account_id: child.id })).to.equal(0);
    expect((await h.request('GET', `/v2/accounts/${child.id}`, { token: child.token })).status).to.equal(401);
  });

  it('never writes keys, tokens or SIP passwords in the logs, and logs one line per request', async () => {
    const dev = await h.request('PUT', `/v2/accounts/${h.masterId}/devices`, {
      json: { data: { name: 'Log probe', sip: { username: 'log_probe_1', password: 'SuperSecret99' } } },
    });
    expect(dev.status).to.equal(201);
    const all = logLines.join('');
    expect(all).not.to.include(h.masterKey);
    expect(all).not.to.include(h.masterToken);
    expect(all).not.to.include('SuperSecret99');
    const requestLines = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'api request');
    expect(requestLines.length).to.be.greaterThan(10);
    const line = requestLines.find((l) => l.request_id === dev.body.request_id);
    expect(line).to.include({ method: 'PUT', route: '/v2/accounts/:account_id/devices', status: 201 });
    expect(line.ms).to.be.a('number');
  });
});
