// Paging and intercom on real SIP phones (baresip, manual answer, honouring auto-answer requests): a page to
// three phones is auto-answered by all three; one-way, the caller is heard and they are not (what the caller
// hears is recorded: silence; what a phone hears: the caller's tone); two-way, the caller hears them; nobody
// to page → `_`; a phone on a call is paged only with barge_calls; intercom makes the called phone answer by itself.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { apiClient } from '../../helpers/api-client.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { createSipDevice, PhoneBank, sipCredentials } from '../../helpers/phones.ts';
import { stackRoot, stackToolAvailable, type PhoneEvent, type SipPhone } from '../../helpers/sip-phone.ts';
import { beep, steps, until } from '../ringing/helpers.ts';

/** RMS of the 16-bit samples of a wav file's data (from `fromByte` of the data on), 0 when empty. */
export function wavRms(file: string, fromByte = 0, lengthBytes?: number): number {
  const buf = fs.readFileSync(file);
  let i = 12;
  let data = -1;
  while (i + 8 <= buf.length) {
    const id = buf.toString('ascii', i, i + 4);
    const size = buf.readUInt32LE(i + 4);
    if (id === 'data') {
      data = i + 8;
      break;
    }
    i += 8 + size;
  }
  if (data < 0) return 0;
  const start = data + fromByte;
  const end = lengthBytes === undefined ? buf.length : Math.min(buf.length, start + lengthBytes);
  let sum = 0;
  let n = 0;
  for (let p = start; p + 1 < end; p += 2) {
    const v = buf.readInt16LE(p);
    sum += v * v;
    n++;
  }
  return n ? Math.sqrt(sum / n) : 0;
}

describe('paging and intercom: real SIP phones (baresip)', function () {
  this.timeout(40_000);
  this.retries(1);
  let h: EngineHarness;
  let root = '';
  let bank: PhoneBank;
  let phones: SipPhone[] = [];
  let ids: string[] = [];
  let names: string[] = [];
  let offline = '';

  before(async function () {
    if (!stackToolAvailable('baresip')) this.skip();
    root = stackRoot();
    h = await EngineHarness.start();
    const client = await apiClient(h);
    bank = await PhoneBank.create(client, 3, { prefix: 'pg', name: (i) => `pager ${i}`, options: { answermode: 'manual', sipAutoanswer: true } });
    ({ phones, ids, usernames: names } = bank);
    // A fourth device that no phone registers as.
    offline = await createSipDevice(client, 'pager 3', sipCredentials('pg'));
  });
  // A phone baresip lost is started again, registered as before.
  beforeEach(async () => bank.restartLost(0));
  after(async () => {
    await bank?.stop();
    await h?.stop();
  });

  const marks = () => phones.map((p) => p.events.length);
  const nextEvent = (p: SipPhone, from: number, type: string, timeoutMs = 5000): Promise<PhoneEvent> =>
    p.waitEvent(type, timeoutMs, (e) => p.events.indexOf(e) >= from);
  const phoneChannels = async () =>
    (await h.driver.rest<{ id: string; name: string }[]>('GET', '/channels')).filter((c) => names.some((n) => c.name.startsWith(`PJSIP/${n}-`)));
  /** The page bridge ariflow made for the call. */
  const pageBridge = async (callId: string) => {
    const line = h.logs.find((l) => l.call === callId && l.msg === 'page started');
    return line ? String(line.bridge) : undefined;
  };
  /** Records what the caller hears (its own leg, in the driver's app) for `sec` seconds; RMS of the second half. */
  const hearsCaller = async (callerLeg: string, sec = 2): Promise<number> => {
    const name = `pg-${randomBytes(4).toString('hex')}`;
    await h.driver.rest('POST', `/channels/${callerLeg}/record`, { name, format: 'wav', maxDurationSeconds: String(sec), ifExists: 'overwrite' });
    await new Promise((r) => setTimeout(r, sec * 1000 + 500));
    const file = path.join(root, 'var/spool/asterisk/recording', `${name}.wav`);
    await until('recording written', () => fs.existsSync(file) && fs.statSync(file).size > 1000, 3000);
    const rms = wavRms(file, 8000);
    fs.rmSync(file, { force: true });
    return rms;
  };

  it('one-way page to three phones: all three auto-answer; the caller is heard, they are not', async () => {
    const from = marks();
    const number = await h.callflow({ module: 'page_group', data: { endpoints: ids.map((id) => ({ id, endpoint_type: 'device' })) }, children: { _: beep } });
    const caller = await h.call(number, { callerId: '"Boss" <5550100>' });
    // Nobody presses anything: the phones answer because the INVITE asks them to.
    const incoming = await Promise.all(phones.map((p, i) => nextEvent(p, from[i], 'CALL_INCOMING')));
    for (const e of incoming) expect(String(e.peeruri)).to.match(/^sip:5550100@/);
    await Promise.all(phones.map((p, i) => nextEvent(p, from[i], 'CALL_ESTABLISHED')));
    await caller.waitUp();
    let bridgeId: string | undefined;
    await until('page bridge with the caller and three members', async () => {
      bridgeId = await pageBridge(caller.peerId);
      if (!bridgeId) return false;
      const bridge = await h.driver.rest<{ channels: string[] }>('GET', `/bridges/${bridgeId}`);
      return bridge.channels.length === 4 && bridge.channels.includes(caller.peerId);
    });
    const members = await phoneChannels();
    expect(members).to.have.length(3);
    const bridge = await h.driver.rest<{ channels: string[]; bridge_type: string }>('GET', `/bridges/${bridgeId}`);
    for (const m of members) expect(bridge.channels).to.include(m.id);
    // Each member was muted toward the bridge as it joined.
    const joined = h.logs.filter((l) => l.call === caller.peerId && l.msg === 'page member joined');
    expect(joined.map((l) => l.twoWay)).to.deep.equal([false, false, false]);
    // The phones send a 440 Hz tone: the caller hears none of it.
    expect(await hearsCaller(caller.id)).to.be.below(200);
    // The caller sends a tone: every phone hears it.
    const before = phones.map((p) => fs.statSync(p.speakerFile).size);
    await h.driver.rest('POST', `/channels/${caller.id}/play`, { media: 'tone:1000' });
    await new Promise((r) => setTimeout(r, 1500));
    for (let i = 0; i < phones.length; i++) expect(wavRms(phones[i].speakerFile, Math.max(0, before[i] - 44) + 3200)).to.be.above(500);
    await caller.hangup();
    await Promise.all(phones.map((p, i) => nextEvent(p, from[i], 'CALL_CLOSED')));
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['page_group', 'stop']]);
    expect(rec.trace[0].reason).to.match(/^paged 3 of 3/);
    await until('no phone channel left', async () => (await phoneChannels()).length === 0, 3000);
    await until('page bridge destroyed', async () => (await h.driver.rest<{ id: string }[]>('GET', '/bridges')).every((b) => b.id !== bridgeId), 3000);
  });

  it('two-way page: the caller hears the members', async () => {
    const from = marks();
    const number = await h.callflow({ module: 'page_group', data: { audio: 'two-way', endpoints: [{ id: ids[0] }, { id: ids[1] }] }, children: { _: beep } });
    const caller = await h.call(number);
    await Promise.all([0, 1].map((i) => nextEvent(phones[i], from[i], 'CALL_ESTABLISHED')));
    await caller.waitUp();
    await until('page started', async () => !!(await pageBridge(caller.peerId)));
    expect(await hearsCaller(caller.id)).to.be.above(500);
    // The third phone was not paged.
    expect(phones[2].events.slice(from[2]).filter((e) => e.type === 'CALL_INCOMING')).to.deep.equal([]);
    await caller.hangup();
    await Promise.all([0, 1].map((i) => nextEvent(phones[i], from[i], 'CALL_CLOSED')));
  });

  it('the last member hanging up ends the page (stop)', async () => {
    const from = marks();
    const number = await h.callflow({ module: 'page_group', data: { endpoints: [{ id: ids[2] }] }, children: { _: beep } });
    const caller = await h.call(number);
    await nextEvent(phones[2], from[2], 'CALL_ESTABLISHED');
    await caller.waitUp();
    await until('page started', async () => !!(await pageBridge(caller.peerId)));
    await phones[2].hangup();
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['page_group', 'stop']]);
  });

  it('nobody can be paged (unregistered device, then a missing one) → `_`', async () => {
    const number = await h.callflow({ module: 'page_group', data: { timeout: 2, endpoints: [{ id: offline }, { id: 'f'.repeat(32) }] }, children: { _: beep } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'page_group', result: '_' });
    expect(rec.trace[0].reason).to.match(/nobody answered the page|no endpoints/);
  });

  it('barge_calls: a phone already on a call is left alone, unless barge_calls asks it as well', async () => {
    const from = marks();
    const first = await h.callflow({ module: 'page_group', data: { endpoints: [{ id: ids[0] }] } });
    const busyCall = await h.call(first);
    await nextEvent(phones[0], from[0], 'CALL_ESTABLISHED');
    await until('phone 0 on a call', async () => (await phoneChannels()).some((c) => c.name.startsWith(`PJSIP/${names[0]}-`)));
    const polite = await h.callflow({ module: 'page_group', data: { endpoints: [{ id: ids[0] }, { id: ids[1] }] }, children: { _: beep } });
    const from2 = marks();
    const caller = await h.call(polite);
    await nextEvent(phones[1], from2[1], 'CALL_ESTABLISHED');
    await caller.waitUp();
    await until('page started', async () => !!(await pageBridge(caller.peerId)));
    await caller.hangup();
    await nextEvent(phones[1], from2[1], 'CALL_CLOSED');
    expect(phones[0].events.slice(from2[0]).filter((e) => e.type === 'CALL_INCOMING')).to.deep.equal([]);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal(`paged 1 of 1: ${ids[1]}`);
    // barge_calls: the busy phone is paged too.
    const barging = await h.callflow({ module: 'page_group', data: { barge_calls: true, endpoints: [{ id: ids[0] }, { id: ids[1] }] } });
    const from3 = marks();
    const c2 = await h.call(barging);
    await nextEvent(phones[0], from3[0], 'CALL_INCOMING');
    await nextEvent(phones[1], from3[1], 'CALL_ESTABLISHED');
    await until('barging page started', async () => !!(await pageBridge(c2.peerId)));
    await c2.hangup();
    await busyCall.hangup();
    await nextEvent(phones[1], from3[1], 'CALL_CLOSED');
    await until('no phone channel left', async () => (await phoneChannels()).length === 0, 5000);
  });

  /** A call placed as phone 0's device (the `sim-device` context: feature codes are dialled from devices). */
  const fromDevice = (exten: string) =>
    h.driver.call(exten, { targetApp: h.app.config.ariApp, context: 'sim-device', variables: { __ARIFLOW_DEVICE: names[0] } });

  it('intercom: a device dials *0<ext>; the flow branches to the extension, whose phone answers by itself', async () => {
    const from = marks();
    await h.callflow({ module: 'device', data: { id: ids[1] } }, { numbers: ['2201'] });
    await h.callflow({ module: 'intercom', data: {} }, { patterns: ['^\\*0([0-9]+)$'] });
    const caller = await fromDevice('*02201');
    // Nobody accepts: phone 1 answers because the INVITE asks it to.
    await nextEvent(phones[1], from[1], 'CALL_INCOMING');
    await nextEvent(phones[1], from[1], 'CALL_ESTABLISHED');
    await caller.waitUp();
    await caller.hangup();
    await nextEvent(phones[1], from[1], 'CALL_CLOSED');
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['intercom', 'branch'],
      ['device', 'stop'],
    ]);
  });

  it('intercom to an extension without a callflow → `_`', async () => {
    await h.callflow({ module: 'intercom', data: {}, children: { _: beep } }, { patterns: ['^\\*1([0-9]+)$'] });
    const caller = await fromDevice('*19999');
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 5000);
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['intercom', '_'],
      ['play', '_ (no child)'],
    ]);
    expect(rec.trace[0].reason).to.equal('no callflow for 9999');
  });
});
