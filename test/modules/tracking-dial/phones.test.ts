// Acceptance with real SIP phones (baresip), devices created over the API: a multi-ring Dial step with
// screening to three phones — the phone that answers without pressing 1 never gets the caller; the one that
// presses 1 does, after hearing the whisper that the caller does not hear; the third stops ringing; the call
// record names the one that took the call.
import { expect } from 'chai';
import { apiClient } from '../../helpers/api-client.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { PhoneBank } from '../../helpers/phones.ts';
import { stackRoot, stackToolAvailable, type PhoneEvent, type SipPhone } from '../../helpers/sip-phone.ts';
import { until } from '../ringing/helpers.ts';
import { screenedMultiRing } from './helpers.ts';

describe('tracking dial: screening and whisper with real SIP phones (baresip)', function () {
  this.timeout(40_000);
  // baresip 1.1 may crash right after a call to it is cancelled (see test/modules/ringing/phones.test.ts).
  this.retries(2);
  let h: EngineHarness;
  let bank: PhoneBank;
  let phones: SipPhone[] = [];
  let ids: string[] = [];

  before(async function () {
    if (!stackToolAvailable('baresip')) this.skip();
    // The whisper is spoken by espeak-ng, which lives in the stack's root (set by the global setup when it runs the stack).
    process.env.ARIFLOW_STACK_ROOT ??= stackRoot();
    h = await EngineHarness.start();
    const client = await apiClient(h);
    bank = await PhoneBank.create(client, 3, { prefix: 'td', name: (i) => `tracking phone ${i}` });
    ({ phones, ids } = bank);
  });
  // A phone baresip lost is started again, registered as before.
  beforeEach(async () => bank.restartLost());
  after(async () => {
    await bank?.stop();
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
