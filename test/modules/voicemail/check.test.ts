// voicemail on real calls: a message left by a caller (real audio played by the caller leg), listened to
// through `check`, downloaded over the API, MWI published; and the failure branches.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineHarness } from '../../helpers/engine-harness.ts';
import { sleep, voicemailKit } from './kit.ts';
import { encodeWav } from '../../../lib/tts/wav.ts';
import type { DriverEvent, SimCaller } from '../../helpers/ari-driver.ts';
import { mwiMailbox, type VmBox } from '../../../lib/voicemail/box.ts';


describe('voicemail check on real calls: failure branches and message keys', function () {
  this.timeout(30_000);
  const kit = voicemailKit();
  const { api, box, started, played, mwi, newBox } = kit;
  let h: EngineHarness;
  before(() => {
    h = kit.h;
  });

  /** A message stored directly (1 s of 440 Hz), as the voicemail module stores one. */
  async function seedMessage(boxId: string): Promise<string> {
    const mediaId = randomBytes(16).toString('hex');
    const pcm = Buffer.alloc(16000);
    for (let i = 0; i < 8000; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
    await mkdir(path.join(h.app.config.mediaDir, h.accountId), { recursive: true });
    await writeFile(path.join(h.app.config.mediaDir, h.accountId, `${mediaId}.wav`), encodeWav({ pcm, sampleRate: 8000 }));
    await h.doc('media', { id: mediaId, name: 'seeded', media_source: 'recording', file: `${h.accountId}/${mediaId}`, pvt_media_ext: 'wav', pvt_content_type: 'audio/wav' });
    const message = { timestamp: 63_900_000_000, from: '555', to: '2000', caller_id_number: '555', caller_id_name: 'x', call_id: 'c', folder: 'new', length: 1000, media_id: mediaId };
    await h.db.collection('vmboxes').updateOne({ _id: boxId as never }, { $push: { messages: message } } as never);
    return mediaId;
  }

  it('check: a wrong PIN three times ends the login with vm-abort and continues', async () => {
    const boxId = await newBox();
    const number = await h.callflow({ module: 'voicemail', data: { action: 'check', id: boxId }, children: { _: { module: 'play', data: { id: 'beep' } } } });
    const caller = await h.call(number);
    await caller.waitUp();
    let last = -1;
    for (let i = 0; i < 3; i++) {
      last = (await started(caller, 'sound:vm-password', last)).at;
      await caller.sendDtmf('9999#');
      await started(caller, 'sound:vm-incorrect', last);
    }
    await started(caller, 'sound:vm-goodbye');
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['voicemail', 'play']);
    expect([rec.trace[0].result, rec.trace[0].reason]).to.deep.equal(['_', 'login failed']);
    expect(played(caller).filter((u) => u === 'sound:vm-incorrect')).to.have.length(3);
    expect(played(caller)).to.not.include('sound:vm-youhave');
  });

  it('check: an unknown box number is refused like a wrong PIN', async () => {
    const number = await h.callflow({ module: 'voicemail', data: { action: 'check' } });
    const caller = await h.call(number);
    await caller.waitUp();
    await started(caller, 'sound:vm-login');
    await caller.sendDtmf('98765#');
    await started(caller, 'sound:vm-password');
    await caller.sendDtmf('1234#');
    const refused = await started(caller, 'sound:vm-incorrect');
    await started(caller, 'sound:vm-login', refused.at);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].result).to.equal('caller_hangup');
    expect(played(caller)).to.not.include('sound:vm-youhave');
  });

  it('check: main menu 2 with no saved messages says so; 7 deletes a new message', async () => {
    const boxId = await newBox({ mailbox: '3202' });
    await seedMessage(boxId);
    const number = await h.callflow({ module: 'voicemail', data: { action: 'check', id: boxId } });
    const caller = await h.call(number);
    await caller.waitUp();
    await started(caller, 'sound:vm-password');
    await caller.sendDtmf('1234#');
    const menu = await started(caller, 'sound:vm-youhave');
    await caller.sendDtmf('2');
    await started(caller, 'sound:vm-nomore');
    const again = await started(caller, 'sound:vm-youhave', menu.at);
    await caller.sendDtmf('1');
    await started(caller, 'sound:vm-message', again.at);
    await caller.sendDtmf('7');
    await started(caller, 'sound:vm-deleted');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].result).to.equal('caller_hangup');
    expect((await box(boxId))!.messages![0].folder).to.equal('deleted');
    const list = (await (await api(`/vmboxes/${boxId}/messages`)).json()) as { data: unknown[] };
    expect(list.data).to.have.length(0);
    const deleted = (await (await api(`/vmboxes/${boxId}/messages?folder=deleted`)).json()) as { data: unknown[] };
    expect(deleted.data).to.have.length(1);
    // MWI is updated even though the caller hung up in the menu.
    const deadline = Date.now() + 3000;
    let state = await mwi(boxId);
    while (state !== 'NOT_INUSE' && Date.now() < deadline) {
      await sleep(100);
      state = await mwi(boxId);
    }
    expect(state).to.equal('NOT_INUSE');
  });

  it("the box owner's phones list the box in their PJSIP mailboxes (MWI NOTIFYs)", async () => {
    const userId = randomBytes(16).toString('hex');
    await h.doc('users', { id: userId, first_name: 'Mwi', last_name: 'Owner' });
    const boxId = await newBox({ owner_id: userId });
    const username = `vm${randomBytes(5).toString('hex')}`;
    const headers = { 'X-Auth-Token': kit.token, 'content-type': 'application/json' };
    const created = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/devices`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ data: { name: 'desk', owner_id: userId, sip: { username, password: 'S3cret-pass-123' } } }),
    });
    expect(created.status).to.equal(201);
    const deviceId = ((await created.json()) as { data: { id: string } }).data.id;
    try {
      const fields = await h.driver.rest<Array<{ attribute: string; value: string }>>('GET', `/asterisk/config/dynamic/res_pjsip/endpoint/${username}`);
      expect(fields.find((f) => f.attribute === 'mailboxes')?.value).to.equal(mwiMailbox(h.accountId, boxId));
    } finally {
      await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/devices/${deviceId}`, { method: 'DELETE', headers });
    }
  });
});
