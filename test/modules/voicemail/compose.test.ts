// voicemail on real calls: a message left by a caller (real audio played by the caller leg), listened to
// through `check`, downloaded over the API, MWI published; and the failure branches.
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineHarness } from '../../helpers/engine-harness.ts';
import { sleep, voicemailKit } from './kit.ts';
import type { DriverEvent, SimCaller } from '../../helpers/ari-driver.ts';
import { mwiMailbox, type VmBox } from '../../../lib/voicemail/box.ts';
import { wavDurationMs } from '../../../lib/asterisk/recording.ts';


describe('voicemail compose on real calls', function () {
  this.timeout(30_000);
  const kit = voicemailKit();
  const { api, box, started, played, mwi, speak, newBox, leaveMessage } = kit;
  let h: EngineHarness;
  before(() => {
    h = kit.h;
  });

  it('compose: records a real message, stores it in Kazoo shapes, downloadable over the API, with MWI', async () => {
    const boxId = await newBox();
    const caller = await leaveMessage(boxId);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.reason])).to.deep.equal([['voicemail', 'message saved']]);
    const doc = await box(boxId);
    expect(doc!.messages).to.have.length(1);
    const msg = doc!.messages![0];
    expect(msg).to.include({ folder: 'new', caller_id_number: '5551234', caller_id_name: 'Bob', call_id: caller.peerId, from: '5551234' });
    expect(msg.length).to.be.within(1000, 4000);
    expect(msg.timestamp).to.be.greaterThan(63_000_000_000);
    expect(rec.attributes.voicemail).to.deep.include({ message_left: true, media_id: msg.media_id });

    const media = await h.db.collection('media').findOne({ _id: msg.media_id as never });
    expect(media).to.include({ media_source: 'recording', source_type: 'voicemail', source_id: boxId, pvt_type: 'media', pvt_media_ext: 'wav' });
    expect(media!.name).to.match(/^mailbox \d+ message \d\d-\d\d-\d{4} \d\d:\d\d:\d\d$/);
    const onDisk = await readFile(path.join(h.app.config.mediaDir, `${media!.file}.wav`));
    expect(wavDurationMs(onDisk)).to.equal(msg.length);

    for (const url of [`/media/${msg.media_id}/raw`, `/vmboxes/${boxId}/messages/${msg.media_id}/raw`]) {
      const res = await api(url);
      expect(res.status, url).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/audio\/wav/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(onDisk)).to.equal(true);
      // Real audio, not silence: the caller's monkeys are in it.
      let peak = 0;
      for (let i = 44; i + 1 < bytes.length; i += 2) peak = Math.max(peak, Math.abs(bytes.readInt16LE(i)));
      expect(peak).to.be.greaterThan(1000);
    }
    const list = (await (await api(`/vmboxes/${boxId}/messages`)).json()) as { data: Array<{ media_id: string }> };
    expect(list.data.map((m) => m.media_id)).to.deep.equal([msg.media_id]);
    expect((await api(`/vmboxes/${boxId}/messages/${'f'.repeat(32)}/raw`)).status).to.equal(404);
    expect(await mwi(boxId)).to.equal('INUSE');
  });

  it('compose: a missing box plays vm-not_available_no_voicemail and continues', async () => {
    const number = await h.callflow({ module: 'voicemail', data: { id: 'e'.repeat(32) }, children: { _: { module: 'play', data: { id: 'beep' } } } });
    const caller = await h.call(number);
    await caller.waitUp();
    await started(caller, 'sound:vm-nobodyavail');
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['voicemail', 'play']);
    expect([rec.trace[0].result, rec.trace[0].reason]).to.deep.equal(['_', 'voicemail box not found']);
  });

  it('compose: the caller hanging up during the greeting leaves no message', async () => {
    const boxId = await newBox({ skip_greeting: false, skip_instructions: false, mailbox: '4101' });
    const number = await h.callflow({ module: 'voicemail', data: { id: boxId } });
    const caller = await h.call(number);
    await caller.waitUp();
    await started(caller, 'sound:vm-theperson');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].result).to.equal('caller_hangup');
    expect((await box(boxId))!.messages ?? []).to.have.length(0);
  });

  it('compose: a digit during the greeting skips to the beep; hanging up mid-message keeps the message', async () => {
    const boxId = await newBox({ skip_greeting: false, skip_instructions: false });
    const number = await h.callflow({ module: 'voicemail', data: { id: boxId } });
    const caller = await h.call(number, { callerId: '"Carol" <5559876>' });
    await caller.waitUp();
    await started(caller, 'sound:vm-theperson');
    await caller.sendDtmf('5');
    await sleep(900);
    await speak(caller, 1500);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal('caller hung up; message saved');
    expect(played(caller)).to.not.include('sound:vm-intro');
    const deadline = Date.now() + 5000;
    let doc = await box(boxId);
    while (!doc?.messages?.length && Date.now() < deadline) {
      await sleep(100);
      doc = await box(boxId);
    }
    expect(doc!.messages).to.have.length(1);
    expect(doc!.messages![0]).to.include({ caller_id_number: '5559876', folder: 'new' });
    expect(doc!.messages![0].length).to.be.greaterThan(500);
  });

  it('compose: a message shorter than min_message_size is discarded', async () => {
    const boxId = await newBox();
    const number = await h.callflow({ module: 'voicemail', data: { id: boxId } });
    const caller = await h.call(number);
    await caller.waitUp();
    await sleep(500);
    await caller.sendDtmf('#');
    await started(caller, 'sound:vm-review');
    await caller.sendDtmf('1');
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal('message too short');
    expect((await box(boxId))!.messages ?? []).to.have.length(0);
  });

  it('compose: 0 during the greeting branches to the operator callflow; * logs in to the box', async () => {
    await h.callflow({ module: 'play', data: { id: 'beep' } }, { numbers: ['0'] });
    const boxId = await newBox({ skip_greeting: false });
    const number = await h.callflow({ module: 'voicemail', data: { id: boxId } });
    const caller = await h.call(number);
    await caller.waitUp();
    await started(caller, 'sound:vm-theperson');
    await caller.sendDtmf('0');
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['voicemail', 'play']);
    expect([rec.trace[0].result, rec.trace[0].reason]).to.deep.equal(['branch', 'operator']);

    const star = await h.call(number);
    await star.waitUp();
    await started(star, 'sound:vm-theperson');
    await star.sendDtmf('*');
    await started(star, 'sound:vm-password');
    await star.hangup();
    expect((await h.record(star.peerId)).trace[0].result).to.equal('caller_hangup');
  });
});
