// Shared set-up of the voicemail real-call tests: one ariflow per file, an API token, and the caller-side
// steps (speak, leave a message) the files share. Call voicemailKit() inside a describe().
import type { SimCaller } from '../../helpers/ari-driver.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { mwiMailbox, type VmBox } from '../../../lib/voicemail/box.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function voicemailKit() {
  const kit = {
    h: undefined as unknown as EngineHarness,
    token: '',
    api: (p: string) => fetch(`${kit.h.baseUrl}/v2/accounts/${kit.h.accountId}${p}`, { headers: { 'X-Auth-Token': kit.token } }),
    box: (id: string) => kit.h.db.collection<VmBox>('vmboxes').findOne({ _id: id }),
    started: (caller: SimCaller, media: string, after = -1, timeoutMs = 8000) =>
      caller.waitFor('PlaybackStarted', (e) => e.playback?.media_uri === media && e.at > after, timeoutMs),
    played: (caller: SimCaller) => caller.events().filter((e) => e.type === 'PlaybackStarted').map((e) => e.playback!.media_uri),
    mwi: async (boxId: string) =>
      (await kit.h.driver.rest<{ state: string }>('GET', `/deviceStates/${encodeURIComponent(`MWI:${mwiMailbox(kit.h.accountId, boxId)}`)}`)).state,
    /** The caller speaks (tt-monkeys from the caller leg) for `ms`, then stops so its DTMF is not queued behind the playback. */
    async speak(caller: SimCaller, ms: number): Promise<void> {
      const playbackId = `pb-${caller.id}`;
      await kit.h.driver.rest('POST', `/channels/${caller.id}/play`, { media: 'sound:tt-monkeys', playbackId });
      await sleep(ms);
      await kit.h.driver.rest('DELETE', `/playbacks/${playbackId}`).catch(() => {});
    },
    newBox(fields: Partial<VmBox> = {}): Promise<string> {
      return kit.h.doc('vmboxes', { name: 'Alice', mailbox: String(2000 + Math.floor(Math.random() * 7000)), pin: '1234', skip_greeting: true, skip_instructions: true, ...fields });
    },
    /** Leaves a message of about `ms` of speech in the box; resolves with the caller once the call ended. */
    async leaveMessage(boxId: string, ms = 1500): Promise<SimCaller> {
      const number = await kit.h.callflow({ module: 'voicemail', data: { id: boxId } });
      const caller = await kit.h.call(number, { callerId: '"Bob" <5551234>' });
      await caller.waitUp();
      await sleep(700); // the beep
      await kit.speak(caller, ms);
      await caller.sendDtmf('#');
      await kit.started(caller, 'sound:vm-review');
      await caller.sendDtmf('1');
      await kit.started(caller, 'sound:vm-msgsaved');
      await caller.waitEnded(8000);
      return caller;
    },
  };
  before(async () => {
    kit.h = await EngineHarness.start();
    const res = await fetch(`${kit.h.baseUrl}/v2/api_auth`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { api_key: kit.h.app.config.masterApiKey } }),
    });
    kit.token = ((await res.json()) as { auth_token: string }).auth_token;
  });
  after(async () => kit.h?.stop());
  return kit;
}
