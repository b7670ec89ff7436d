// Messages are written into a vmbox by calls; editing the box over the API must not erase them.
import { expect } from 'chai';
import { startApi, type Harness } from './harness.ts';

describe('API: editing a vmbox keeps its messages', () => {
  let h: Harness;
  before(async () => {
    h = await startApi({ cacheTtlMs: 0 });
  });
  after(async () => h?.close());

  it('POST without messages keeps the stored ones; an explicit list replaces them', async () => {
    const base = `/v2/accounts/${h.masterId}/vmboxes`;
    const created = await h.request('PUT', base, { json: { data: { name: 'Sales', mailbox: '3100', pin: '1234' } } });
    expect(created.status).to.equal(201);
    const id = created.body.data.id as string;
    const message = { media_id: 'f'.repeat(32), folder: 'new', timestamp: 63900000000, caller_id_number: '5551234', length: 4200 };
    await h.store.db.collection('vmboxes').updateOne({ _id: id as never }, { $push: { messages: message } as never });

    const edited = await h.request('POST', `${base}/${id}`, { json: { data: { name: 'Sales team', mailbox: '3100', pin: '4321' } } });
    expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
    const stored = await h.store.db.collection('vmboxes').findOne({ _id: id as never });
    expect(stored?.name).to.equal('Sales team');
    expect(stored?.messages).to.deep.equal([message]);

    await h.request('POST', `${base}/${id}`, { json: { data: { name: 'Sales team', mailbox: '3100', messages: [] } } });
    expect((await h.store.db.collection('vmboxes').findOne({ _id: id as never }))?.messages).to.deep.equal([]);
  });
});
