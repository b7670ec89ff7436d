// Acceptance with real SIP phones (baresip), devices created over the API: a multi-ring Dial step with
// screening to three phones — the phone that answers without pressing 1 never gets the caller; the one that
// presses 1 does, after hearing the whisper that the caller does not hear; the third stops ringing; the call
// record names the one that took the call.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { SipPhone, stackRoot, type PhoneEvent } from '../../helpers/sip-phone.ts';
import { until } from '../ringing/helpers.ts';
import { screenedMultiRing } from './helpers.ts';

describe('tracking dial: screening and whisper with real SIP phones (baresip)', function () {
  this.timeout(40_000);
  // baresip 1.1 may crash right after a call to it is cancelled (see test/modules/ringing/phones.test.ts).
  this.retries(2);
  let h: EngineHarness;
  let token = '';
  const phones: SipPhone[] = [];
  const credentials: { username: string; password: string }[] = [];
  const ids: string[] = [];

  const api = async (method: string, p: string, data?: unknown) => {
    const res = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}${p}`, {
      method,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: data === undefined ? undefined : JSON.stringify({ data }),
    });
    const body = (await res.json()) as { data: Record<string, unknown> };
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(body)}`);
    return body.data;
  };

  before(async function () {
    let root = '';
    try {
      root = stackRoot();
    } catch {
      /* no local stack */
    }
    if (process.getuid?.() !== 0 || !root || !fs.existsSync(path.join(root, 'usr/bin/baresip'))) this.skip();
    // The whisper is spoken by espeak-ng, which lives in the stack's root (set by the global setup when it runs the stack).
    process.env.ARIFLOW_STACK_ROOT ??= root;
    h = await EngineHarness.start();
    const auth = await fetch(`${h.baseUrl}/v2/api_auth`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }),
    });
    token = ((await auth.json()) as { auth_token: string }).auth_token;
    const tag = randomBytes(3).toString('hex');
    for (let i = 0; i < 3; i++) {
      const username = `td${tag}${i}`;
      const password = randomBytes(9).toString('base64url');
      const created = await api('PUT', '/devices', { name: `tracking phone ${i}`, device_type: 'sip_device', sip: { username, password } });
      ids.push(String(created.id));
      credentials.push({ username, password });
      phones.push(await SipPhone.start({ username, password, answermode: 'manual' }));
    }
    await Promise.all(phones.map((p) => p.waitRegistered(5000)));
  });
  beforeEach(async () => {
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < phones.length; i++) {
      const alive = await phones[i].command('reginfo', undefined, 1000).then(
        () => true,
        () => false,
      );
      if (alive) continue;
      await phones[i].stop().catch(() => {});
      phones[i] = await SipPhone.start({ ...credentials[i], answermode: 'manual' });
      await phones[i].waitRegistered(5000);
    }
  });
  after(async () => {
    for (const p of phones) await p.stop().catch(() => {});
    await h?.stop();
  });

  const nextEvent = (p: SipPhone, from: number, type: string, timeoutMs = 5000): Promise<PhoneEvent> =>
    p.waitEvent(type, timeoutMs, (e) => p.events.indexOf(e) >= from);

  it('multi-ring with screening: the phone that does not press 1 never gets the caller, the one that does gets it after the whisper', async () => {
    const from = phones.map((p) => p.events.length);
    const number = await h.callflow(screenedMultiRing(ids.map((id) => ({ type: 'sip', device_id: id })), { say: 'Call from Google Ads' }));
    const caller = await h.call(number, { callerId: '"Visitor" <5550123>' });
    await Promise.all(phones.map((p, i) => nextEvent(p, from[i], 'CALL_INCOMING')));
    const whispered = (leg: string) => h.logs.find((l) => l.call === caller.peerId && l.msg === 'whisper to leg' && l.leg === leg);

    // Phone 0 answers and presses nothing (an answering machine): it hears the whisper and the prompt, then is dropped.
    await phones[0].accept();
    await nextEvent(phones[0], from[0], 'CALL_ESTABLISHED');
    await until('phone 0 whispered', () => !!whispered(ids[0]), 5000);
    await nextEvent(phones[0], from[0], 'CALL_CLOSED', 15_000);
    // The caller is still waiting (ringback), phones 1 and 2 still ring.
    expect(caller.events().some((e) => e.type === 'StasisStart' && e.channel?.id === caller.id)).to.equal(false);
    expect(phones[1].events.slice(from[1]).some((e) => e.type === 'CALL_CLOSED')).to.equal(false);

    // Phone 1 answers, hears the whisper, presses 1: it takes the call; phone 2 stops ringing.
    await phones[1].accept();
    await nextEvent(phones[1], from[1], 'CALL_ESTABLISHED');
    await until('phone 1 whispered', () => !!whispered(ids[1]), 5000);
    await phones[1].sendDtmf('1');
    await caller.waitUp();
    await nextEvent(phones[2], from[2], 'CALL_CLOSED', 3000);
    const whisperMedia = (whispered(ids[1])!.media as string[])[0];
    const bridgedLog = () => h.logs.find((l) => l.call === caller.peerId && l.msg === 'bridged');
    // The caller is answered just before the bridge is made.
    await until('bridged', () => !!bridgedLog(), 3000);
    const bridged = bridgedLog();
    expect(bridged?.leg).to.equal(ids[1]);
    expect(Number(whispered(ids[1])!.time)).to.be.at.most(Number(bridged!.time));
    // The caller's channel never played the whisper.
    const played = caller.events().filter((e) => e.type === 'PlaybackStarted').map((e) => e.playback?.media_uri);
    expect(played).to.not.include(whisperMedia);

    await caller.hangup();
    await nextEvent(phones[1], from[1], 'CALL_CLOSED');
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'dial', result: 'stop', reason: `answered by device:${ids[1]}` });
    const dial = rec.attributes.dial as { answered_by: string; offered: string[] };
    expect(dial.answered_by).to.equal(`device:${ids[1]}`);
    expect(dial.offered).to.have.members(ids.map((id) => `device:${id}`));
  });
});
