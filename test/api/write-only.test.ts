// Secrets inside documents are write-only: a callflow's post-call webhook secrets (like carrier gateway
// passwords) never come back from GET, listings or exports; posting the GET output back keeps them.
import { expect } from 'chai';
import { startApi, type Harness } from './harness.ts';

describe('API: write-only secrets in documents', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startApi();
    base = `/v2/accounts/${(await h.childAccount(h.masterId, 'Secrets')).id}`;
  });
  after(async () => h?.close());

  const secret = 'whsec-0123456789abcdef';
  const stored = async (id: string) => (await h.store.db.collection('callflows').findOne({ _id: id as never }))?.post_call_webhooks as Record<string, unknown>[];

  it('hides post-call webhook secrets and keeps them across a GET-edit-POST round trip', async () => {
    const created = await h.request('PUT', `${base}/callflows`, {
      json: { data: { name: 'tracked', numbers: ['+15557770001'], flow: { module: 'answer', data: {} }, post_call_webhooks: [{ url: 'https://crm.example.com/a', secret }, { url: 'https://crm.example.com/b' }] } },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.data.id as string;
    expect(JSON.stringify(created.body)).to.not.contain(secret);
    expect(created.body.data.post_call_webhooks).to.deep.equal([{ url: 'https://crm.example.com/a', has_secret: true }, { url: 'https://crm.example.com/b' }]);

    const got = await h.request('GET', `${base}/callflows/${id}`);
    expect(JSON.stringify(got.body)).to.not.contain(secret);
    const listed = await h.request('GET', `${base}/callflows`);
    expect(JSON.stringify(listed.body)).to.not.contain(secret);
    const exported = await h.request('GET', `${base}/export?collections=callflows`);
    expect(JSON.stringify(exported.body)).to.not.contain(secret);

    // The GET output posted back (with its has_secret flag) keeps the secret and stores no flag.
    const edited = { ...got.body.data, name: 'tracked (renamed)' };
    const updated = await h.request('POST', `${base}/callflows/${id}`, { json: { data: edited } });
    expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
    expect(await stored(id)).to.deep.equal([{ url: 'https://crm.example.com/a', secret }, { url: 'https://crm.example.com/b' }]);

    // A webhook pointed elsewhere does not inherit the secret of the old URL.
    const moved = { ...edited, post_call_webhooks: [{ url: 'https://other.example.com/a', has_secret: true }] };
    expect((await h.request('POST', `${base}/callflows/${id}`, { json: { data: moved } })).status).to.equal(200);
    expect(await stored(id)).to.deep.equal([{ url: 'https://other.example.com/a' }]);
  });

  it('does not store the flag on a new document made from another one\'s GET output', async () => {
    const res = await h.request('PUT', `${base}/callflows`, {
      json: { data: { name: 'copy', numbers: ['+15557770002'], flow: { module: 'answer', data: {} }, post_call_webhooks: [{ url: 'https://crm.example.com/a', has_secret: true }] } },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(await stored(res.body.data.id)).to.deep.equal([{ url: 'https://crm.example.com/a' }]);
  });
});
