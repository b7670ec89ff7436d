// voicemail on real calls: a message left by a caller (real audio played by the caller leg), listened to
// through `check`, downloaded over the API, MWI published; and the failure branches.
import { expect } from 'chai';
import path from 'node:path';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import type { DriverEvent, SimCaller } from '../../helpers/ari-driver.ts';
import { mwiMailbox, type VmBox } from '../../../lib/voicemail/box.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('voicemail end to end: a message left by a real call, listened to through check', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let token: string;
  before(async () => {
    h = await EngineHarness.start();
    const res = await fetch(`${h.baseUrl}/v2/api_auth`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }),
    });
    token = ((await res.json()) as { auth_token: string }).auth_token;
  });
  after(async () => h?.stop());

  const api = (p: string) => fetch(`${h.baseUrl}/v2/accounts/${h.accountId}${p}`, { headers: { 'X-Auth-Token': token } });
  const box = (id: string) => h.db.collection<VmBox>('vmboxes').findOne({ _id: id });
  const started = (caller: SimCaller, media: string, after = -1, timeoutMs = 8000) =>
    caller.waitFor('PlaybackStarted', (e) => e.playback?.media_uri === media && e.at > after, timeoutMs);
  const played = (caller: SimCaller) => caller.events().filter((e) => e.type === 'PlaybackStarted').map((e) => e.playback!.media_uri);
  const mwi = async (boxId: string) =>
    (await h.driver.rest<{ state: string }>('GET', `/deviceStates/${encodeURIComponent(`MWI:${mwiMailbox(h.accountId, boxId)}`)}`)).state;

  /** The caller speaks (tt-monkeys from the caller leg) for `ms`, then stops so its DTMF is not queued behind the playback. */
  async function speak(caller: SimCaller, ms: number): Promise<void> {
    const playbackId = `pb-${caller.id}`;
    await h.driver.rest('POST', `/channels/${caller.id}/play`, { media: 'sound:tt-monkeys', playbackId });
    await sleep(ms);
    await h.driver.rest('DELETE', `/playbacks/${playbackId}`).catch(() => {});
  }

  async function newBox(fields: Partial<VmBox> = {}): Promise<string> {
    return h.doc('vmboxes', { name: 'Alice', mailbox: String(2000 + Math.floor(Math.random() * 7000)), pin: '1234', skip_greeting: true, skip_instructions: true, ...fields });
  }

  /** Leaves a message of about `ms` of speech in the box; resolves with the call's caller once it ended. */
  async function leaveMessage(boxId: string, ms = 1500): Promise<SimCaller> {
    const number = await h.callflow({ module: 'voicemail', data: { id: boxId } });
    const caller = await h.call(number, { callerId: '"Bob" <5551234>' });
    await caller.waitUp();
    await sleep(700); // the beep
    await speak(caller, ms);
    await caller.sendDtmf('#');
    await started(caller, 'sound:vm-review');
    await caller.sendDtmf('1');
    await started(caller, 'sound:vm-msgsaved');
    await caller.waitEnded(8000);
    return caller;
  }

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
