// faxbox on real calls: a faxbox created over the API (/faxboxes), a fax machine calling the flow, the fax
// stored in the inbox under that faxbox and e-mailed to its inbound recipients and owner; the failure
// branches: an unknown faxbox takes `_`, a failed session (no fax tone) mails inbound_fax_error.
import { expect } from 'chai';
import type { EngineHarness } from '../../helpers/engine-harness.ts';
import { tiffInfo } from '../../../lib/fax/tiff.ts';
import type { SmtpSink } from '../notify/smtp-sink.ts';
import { type FaxEnv, faxDocument, sendFax, startFaxEnv } from './kit.ts';

describe('faxbox on real calls', function () {
  this.timeout(40_000);
  let env: FaxEnv;
  let h: EngineHarness;
  let smtp: SmtpSink;
  let call: FaxEnv['call'];

  before(async () => {
    env = await startFaxEnv();
    ({ h, smtp, call } = env);
  });
  after(async () => env?.stop());

  async function createFaxbox(data: Record<string, unknown>): Promise<string> {
    const res = await call('/faxboxes', { method: 'PUT', body: JSON.stringify({ data }) });
    expect(res.status, await res.clone().text()).to.equal(201);
    return ((await res.json()) as { data: { id: string } }).data.id;
  }

  it('receives into the faxbox: stored under it, downloadable, mailed to its recipients and owner', async () => {
    const owner = await h.doc('users', { first_name: 'Olga', email: 'olga@example.test' });
    const box = await createFaxbox({
      name: 'Sales fax',
      owner_id: owner,
      fax_identity: '+1 555 0199',
      notifications: { inbound: { email: { send_to: ['fax-desk@example.test'] } } },
    });
    const number = await h.callflow({ module: 'faxbox', data: { id: box } });
    const sender = await sendFax(h, number, await faxDocument(h, 1), '"Acme" <5550123>');
    const record = await h.record(sender.peerId, 35_000);

    expect(record.trace[0]).to.include({ module: 'faxbox', result: 'hard_stop' });
    expect(record.trace[0].reason).to.match(/^fax received: 1 page\(s\)/);
    const [fax] = await h.db.collection('faxes').find({ call_id: sender.peerId }).toArray();
    expect(fax).to.include({ folder: 'inbox', faxbox_id: box, owner_id: owner, from_number: '5550123' });

    const listed = (await (await call(`/faxes/inbox?faxbox_id=${box}`)).json()) as { data: Array<{ id: string }> };
    expect(listed.data.map((f) => f.id)).to.deep.equal([fax._id]);
    const other = (await (await call(`/faxes/inbox?faxbox_id=${'0'.repeat(32)}`)).json()) as { data: unknown[] };
    expect(other.data).to.have.length(0);
    const res = await call(`/faxes/inbox/${fax._id}/attachment`);
    expect(res.status).to.equal(200);
    expect(tiffInfo(Buffer.from(await res.arrayBuffer()))?.pages).to.equal(1);

    const mail = await smtp.waitFor((m) => m.subject === 'New fax from Acme <5550123>');
    expect(mail.envelopeTo).to.have.members(['fax-desk@example.test', 'olga@example.test']);
    expect(mail.text).to.include('Faxbox: Sales fax').and.include('Pages: 1');
    expect(mail.raw).to.include('Content-Type: image/tiff');
  });

  it('an unknown faxbox takes `_` (nowhere to put the fax)', async () => {
    const number = await h.callflow({
      module: 'faxbox',
      data: { id: 'a'.repeat(32) },
      children: { _: { module: 'play', data: { id: 'beep' } } },
    });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackFinished');
    await caller.waitEnded(5000);
    const record = await h.record(caller.peerId);
    expect(record.trace.map((s) => s.module)).to.deep.equal(['faxbox', 'play']);
    expect(record.trace[0]).to.include({ result: '_', reason: `faxbox ${'a'.repeat(32)} not found` });
  });

  it('by its legacy `faxbox_id`; a session with no fax tone mails inbound_fax_error to the faxbox recipients', async () => {
    const box = await createFaxbox({ name: 'Support fax', notifications: { inbound: { email: { send_to: 'support-fax@example.test' } } } });
    const number = await h.callflow({ module: 'faxbox', data: { faxbox_id: box, timeout: 2 } });
    const caller = await h.call(number, { callerId: '"Bob" <5550144>' });
    await caller.waitEnded(10_000);
    const record = await h.record(caller.peerId);
    expect(record.trace[0]).to.include({ module: 'faxbox', result: 'hard_stop', reason: 'fax timeout: no fax tone' });
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes('support-fax@example.test'));
    expect(mail.subject).to.equal('Error receiving a fax from Bob <5550144>');
    expect(mail.text).to.include('Faxbox: Support fax');
    expect(await h.db.collection('faxes').countDocuments({ faxbox_id: box })).to.equal(0);
  });

  it('the faxboxes collection validates like Kazoo: a name is required', async () => {
    const res = await call('/faxboxes', { method: 'PUT', body: JSON.stringify({ data: { caller_id: '5550100' } }) });
    expect(res.status).to.equal(400);
    const body = (await res.json()) as { data: Record<string, unknown> };
    expect(body.data).to.have.property('name');
  });
});
