// voicemail on real calls: a message left by a caller (real audio played by the caller leg), listened to
// through `check`, downloaded over the API, MWI published; and the failure branches.
import { expect } from 'chai';
import path from 'node:path';
import type { EngineHarness } from '../../helpers/engine-harness.ts';
import { sleep, voicemailKit } from './kit.ts';
import type { DriverEvent, SimCaller } from '../../helpers/ari-driver.ts';
import { mwiMailbox, type VmBox } from '../../../lib/voicemail/box.ts';


describe('voicemail end to end: a message left by a real call, listened to through check', function () {
  this.timeout(30_000);
  const kit = voicemailKit();
  const { box, started, played, mwi, newBox, leaveMessage } = kit;
  let h: EngineHarness;
  before(() => {
    h = kit.h;
  });

  it('check: logs in with box number and PIN, plays the message, saves it, exits; MWI cleared', async () => {
    const mailbox = '3101';
    const boxId = await newBox({ mailbox });
    await leaveMessage(boxId, 1200);
    const [msg] = (await box(boxId))!.messages!;
    const number = await h.callflow({ module: 'voicemail', data: { action: 'check' } });
    const caller = await h.call(number);
    await caller.waitUp();
    await started(caller, 'sound:vm-login');
    await caller.sendDtmf(`${mailbox}#`);
    await started(caller, 'sound:vm-password');
    await caller.sendDtmf('1234#');
    const menu = await started(caller, 'sound:vm-youhave');
    await started(caller, 'sound:vm-Old');
    await caller.sendDtmf('1');
    const audio = `sound:${path.join(h.app.config.mediaDir, h.accountId, msg.media_id)}`;
    await started(caller, audio);
    await caller.waitFor('PlaybackFinished', (e) => e.playback?.media_uri === audio);
    await caller.sendDtmf('1');
    await started(caller, 'sound:vm-msgsaved');
    await started(caller, 'sound:vm-youhave', menu.at);
    await caller.sendDtmf('#');
    await started(caller, 'sound:vm-goodbye');
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.reason])).to.deep.equal([['voicemail', 'mailbox checked']]);
    const uris = played(caller);
    // "You have 1 new message and 0 old messages", then after saving "0 new, 1 old".
    expect(uris).to.include.members(['number:1', 'number:0', 'sound:vm-INBOX', 'sound:vm-Old', 'sound:vm-message', audio]);
    expect((await box(boxId))!.messages![0].folder).to.equal('saved');
    expect(await mwi(boxId)).to.equal('NOT_INUSE');
  });
});
