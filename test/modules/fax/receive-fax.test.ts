// receive_fax on real calls: a fax machine (SendFAX through the ariflow-fax context) calls the flow, ariflow
// receives it through ReceiveFAX, stores it in the account's faxes inbox (downloadable over the API) and
// e-mails the owner the document; the failure branches: no fax tone (timeout), the caller hanging up mid-fax,
// an unknown owner.
import { expect } from 'chai';
import type { EngineHarness } from '../../helpers/engine-harness.ts';
import { tiffInfo } from '../../../lib/fax/tiff.ts';
import type { SmtpSink } from '../notify/smtp-sink.ts';
import { type FaxEnv, faxDocument, sendFax, startFaxEnv, sleep } from './kit.ts';

describe('receive_fax on real calls', function () {
  this.timeout(45_000);
  let env: FaxEnv;
  let h: EngineHarness;
  let smtp: SmtpSink;
  let call: FaxEnv['call'];

  before(async () => {
    env = await startFaxEnv();
    ({ h, smtp, call } = env);
  });
  after(async () => env?.stop());

  const faxesOf = (callId: string) => h.db.collection('faxes').find({ call_id: callId }).toArray();

  it('receives a two-page fax: stored in the inbox, downloadable, e-mailed to the owner with the document', async () => {
    const owner = await h.doc('users', { first_name: 'Fay', email: 'fay@example.test' });
    // A tone timeout shorter than the fax: it only passes if the sender's CNG was heard.
    const number = await h.callflow({ module: 'receive_fax', data: { owner_id: owner, timeout: 8 } });
    const sender = await sendFax(h, number, await faxDocument(h, 2));
    const record = await h.record(sender.peerId, 40_000);

    expect(record.trace).to.have.length(1);
    expect(record.trace[0].module).to.equal('receive_fax');
    expect(record.trace[0].result).to.equal('hard_stop');
    expect(record.trace[0].reason).to.match(/^fax received: 2 page\(s\)/);
    const [fax] = await faxesOf(sender.peerId);
    expect(fax, 'fax document').to.exist;
    const faxId = String(fax._id);
    expect(fax).to.include({ folder: 'inbox', owner_id: owner, from_number: '5550100', from_name: 'Fax Machine', to_number: number });
    expect((fax.rx_result as { pages_transferred: number }).pages_transferred).to.equal(2);
    expect(record.attributes?.fax).to.deep.include({ status: 'received', pages: 2, fax_id: faxId });

    const list = (await (await call('/faxes/inbox')).json()) as { data: Array<{ id: string; pages: number }> };
    expect(list.data.find((f) => f.id === faxId)).to.include({ pages: 2 });
    const meta = (await (await call(`/faxes/inbox/${fax._id}`)).json()) as { data: Record<string, unknown> };
    expect(meta.data).to.include({ id: faxId, from_number: '5550100' });
    expect(meta.data).to.not.have.property('file');
    const res = await call(`/faxes/inbox/${fax._id}/attachment`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('image/tiff');
    const tiff = tiffInfo(Buffer.from(await res.arrayBuffer()));
    expect(tiff).to.deep.include({ pages: 2, width: 1728 });

    const mail = await smtp.waitFor((m) => m.envelopeTo.includes('fay@example.test') && m.subject.startsWith('New fax'));
    expect(mail.subject).to.equal('New fax from Fax Machine <5550100>');
    expect(mail.text).to.include('Pages: 2').and.include(faxId);
    expect(mail.raw).to.match(/Content-Type: image\/tiff; name=fax-[0-9a-f]{32}\.tiff/);

    // Deleted over the API: gone from the inbox, its document too.
    expect((await call(`/faxes/inbox/${fax._id}`, { method: 'DELETE' })).status).to.equal(200);
    expect((await call(`/faxes/inbox/${fax._id}/attachment`)).status).to.equal(404);
  });

  it('gives up when no fax tone is heard within `timeout` (a voice caller): nothing stored, inbound_fax_error mailed', async () => {
    const owner = await h.doc('users', { first_name: 'Tim', email: 'tim@example.test' });
    const number = await h.callflow({ module: 'receive_fax', data: { owner_id: owner, timeout: 2 } });
    const caller = await h.call(number, { callerId: '"Voice" <5550111>' });
    await caller.waitUp();
    const t0 = Date.now();
    await caller.waitEnded(10_000);
    expect(Date.now() - t0).to.be.below(8000);
    const record = await h.record(caller.peerId);
    expect(record.trace[0]).to.include({ module: 'receive_fax', result: 'hard_stop', reason: 'fax timeout: no fax tone' });
    expect(record.attributes?.fax).to.deep.include({ status: 'timeout', pages: 0 });
    expect(await faxesOf(caller.peerId)).to.have.length(0);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes('tim@example.test'));
    expect(mail.subject).to.equal('Error receiving a fax from Voice <5550111>');
    expect(mail.text).to.include('Reason: no fax tone');
  });

  it('the caller hanging up mid-fax ends the flow: nothing stored, no e-mail', async () => {
    const owner = await h.doc('users', { first_name: 'Hal', email: 'hal@example.test' });
    const number = await h.callflow({ module: 'receive_fax', data: { owner_id: owner } });
    const sender = await sendFax(h, number, await faxDocument(h, 2));
    // Wait until the fax session runs (the receiver is bridged), then hang up in the middle of it.
    for (let i = 0; i < 100 && !h.logs.some((l) => (l as { call?: string }).call === sender.peerId && /fax receiver bridged/.test(String((l as { msg?: string }).msg))); i++) await sleep(50);
    await sleep(4000);
    await sender.hangup();
    const record = await h.record(sender.peerId, 10_000);
    expect(record.trace[0].module).to.equal('receive_fax');
    expect(record.trace[0].reason).to.match(/^fax hangup/);
    expect(record.end).to.equal('caller_hangup');
    expect(record.attributes?.fax).to.deep.include({ status: 'hangup' });
    expect(await faxesOf(sender.peerId)).to.have.length(0);
    await sleep(500);
    expect(smtp.mails.filter((m) => m.envelopeTo.includes('hal@example.test'))).to.have.length(0);
  });

  it('an unknown owner does not stop the fax session (Kazoo receives anyway); nobody to e-mail', async () => {
    const number = await h.callflow({ module: 'receive_fax', data: { owner_id: 'f'.repeat(32), timeout: 2 } });
    // No fax machine: the quick way through the owner lookup; the session itself is the test above.
    const caller = await h.call(number);
    await caller.waitEnded(10_000);
    const record = await h.record(caller.peerId);
    expect(record.trace[0]).to.include({ module: 'receive_fax', result: 'hard_stop', reason: 'fax timeout: no fax tone' });
    expect(h.logs.some((l) => /owner not found/.test(String((l as { msg?: string }).msg)))).to.equal(true);
  });
});
