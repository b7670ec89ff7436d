// Ringing real SIP phones (baresip) registered as devices created through the API: a simultaneous ring
// group rings all three, the first to answer is bridged and the others stop within 1 s; nobody answering
// before the group timeout → `_`; a single group rings them one at a time, each for its own timeout,
// skipping one that rejects (busy); a device in do not disturb never rings; busy → USER_BUSY, no answer →
// NO_ANSWER, an unregistered device → `_`.
import { expect } from 'chai';
import { apiClient, type ApiClient } from '../../helpers/api-client.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { createSipDevice, PhoneBank, sipCredentials } from '../../helpers/phones.ts';
import { stackToolAvailable, type PhoneEvent, type SipPhone } from '../../helpers/sip-phone.ts';
import { beep, steps, until } from './helpers.ts';

const noop = { module: 'noop', data: {} };

describe('ringing: real SIP phones (baresip)', function () {
  this.timeout(40_000);
  // baresip 1.1 now and then crashes (SIGSEGV) right after a call to it is rejected or cancelled, also
  // with a plain ARI originate and no ariflow involved: a test that lost a phone that way runs again with
  // the phone restarted (beforeEach). A real failure fails every time.
  this.retries(2);
  let h: EngineHarness;
  let client: ApiClient;
  let bank: PhoneBank;
  let phones: SipPhone[] = [];
  let ids: string[] = [];
  let names: string[] = [];
  let offline = '';

  before(async function () {
    if (!stackToolAvailable('baresip')) this.skip();
    h = await EngineHarness.start();
    client = await apiClient(h);
    bank = await PhoneBank.create(client, 3, { prefix: 'rg', name: (i) => `phone ${i}` });
    ({ phones, ids, usernames: names } = bank);
    // A fourth device that no phone registers as.
    offline = await createSipDevice(client, 'phone 3', sipCredentials('rg'));
  });
  // A phone baresip lost (see above) is started again, registered as before.
  beforeEach(async () => bank.restartLost());
  after(async () => {
    await bank?.stop();
    await h?.stop();
  });

  /** Phone events from index `from` on. */
  const eventsOf = (p: SipPhone, from: number, type: string) => p.events.slice(from).filter((e) => e.type === type);
  const nextEvent = (p: SipPhone, from: number, type: string, timeoutMs = 5000): Promise<PhoneEvent> =>
    p.waitEvent(type, timeoutMs, (e) => p.events.indexOf(e) >= from);
  const marks = () => phones.map((p) => p.events.length);
  /** The phones' channels Asterisk still has. */
  const phoneChannels = async () =>
    (await h.driver.rest<{ name: string }[]>('GET', '/channels')).filter((c) => names.some((n) => c.name.startsWith(`PJSIP/${n}-`)));

  it('simultaneous ring group: all three ring; the first to answer is bridged, the other two stop within 1 s', async () => {
    const from = marks();
    const number = await h.callflow({ module: 'ring_group', data: { endpoints: ids.map((id) => ({ id })) }, children: { _: beep } });
    const caller = await h.call(number, { callerId: '"Outside" <5551234>' });
    const incoming = await Promise.all(phones.map((p, i) => nextEvent(p, from[i], 'CALL_INCOMING')));
    // The caller's number is presented to the phones.
    for (const e of incoming) {
      expect(String(e.peeruri)).to.match(/^sip:5551234@/);
      expect(e.peerdisplayname).to.equal('Outside');
    }
    await phones[1].accept();
    const acceptedAt = Date.now();
    await nextEvent(phones[1], from[1], 'CALL_ESTABLISHED');
    await Promise.all([nextEvent(phones[0], from[0], 'CALL_CLOSED', 1500), nextEvent(phones[2], from[2], 'CALL_CLOSED', 1500)]);
    expect(Date.now() - acceptedAt).to.be.below(1000);
    await caller.waitUp();
    expect(eventsOf(phones[1], from[1], 'CALL_CLOSED')).to.deep.equal([]);
    await caller.hangup();
    await nextEvent(phones[1], from[1], 'CALL_CLOSED');
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'ring_group', result: 'stop', reason: `answered by ${ids[1]}` });
    await until('no phone channel left', async () => (await phoneChannels()).length === 0, 3000);
  });

  it('the caller hangs up while the phones ring: all stop at once, no channel is left', async () => {
    const baseline = h.app.ari.routeCount;
    const from = marks();
    const number = await h.callflow({ module: 'ring_group', data: { endpoints: ids.map((id) => ({ id })) }, children: { _: beep } });
    const caller = await h.call(number);
    await Promise.all(phones.map((p, i) => nextEvent(p, from[i], 'CALL_INCOMING')));
    expect(await phoneChannels()).to.have.length(3);
    await caller.hangup();
    const t0 = Date.now();
    await Promise.all(phones.map((p, i) => nextEvent(p, from[i], 'CALL_CLOSED', 1500)));
    expect(Date.now() - t0).to.be.below(1000);
    await until('no phone channel left', async () => (await phoneChannels()).length === 0, 2000);
    await until('routes back to their baseline', () => h.app.ari.routeCount === baseline, 3000);
    expect((await h.record(caller.peerId)).end).to.equal('caller_hangup');
  });

  it('simultaneous ring group: nobody answers before the group timeout → `_`', async () => {
    const from = marks();
    const number = await h.callflow({ module: 'ring_group', data: { timeout: 3, endpoints: ids.map((id) => ({ id })) }, children: { _: beep } });
    const caller = await h.call(number);
    await Promise.all(phones.map((p, i) => nextEvent(p, from[i], 'CALL_INCOMING')));
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await Promise.all(phones.map((p, i) => nextEvent(p, from[i], 'CALL_CLOSED', 2000)));
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['ring_group', '_'],
      ['play', '_ (no child)'],
    ]);
    expect(rec.trace[0].reason).to.equal('NO_ANSWER (sip:480)');
  });

  it('single ring group: one phone at a time, each for its own timeout, skipping one that is busy', async () => {
    const from = marks();
    const number = await h.callflow({
      module: 'ring_group',
      data: { strategy: 'single', timeout: 20, endpoints: ids.map((id) => ({ id, timeout: 3 })) },
    });
    const caller = await h.call(number);
    await nextEvent(phones[0], from[0], 'CALL_INCOMING');
    expect(eventsOf(phones[1], from[1], 'CALL_INCOMING')).to.deep.equal([]);
    // The first phone rejects (baresip answers 486 Busy Here): the next one rings at once.
    await phones[0].hangup();
    const rejectedAt = Date.now();
    await nextEvent(phones[1], from[1], 'CALL_INCOMING', 2000);
    expect(Date.now() - rejectedAt).to.be.below(1000);
    const secondAt = Date.now();
    expect(eventsOf(phones[2], from[2], 'CALL_INCOMING')).to.deep.equal([]);
    // The second rings its own 3 s, then the third.
    await nextEvent(phones[2], from[2], 'CALL_INCOMING', 6000);
    expect(Date.now() - secondAt).to.be.within(2000, 4500);
    await nextEvent(phones[1], from[1], 'CALL_CLOSED', 1000);
    await phones[2].accept();
    await caller.waitUp(5000);
    await caller.hangup();
    await nextEvent(phones[2], from[2], 'CALL_CLOSED');
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal(`answered by ${ids[2]}`);
    expect(h.logs.filter((l) => l.call === caller.peerId && l.msg === 'leg failed').map((l) => [l.leg, l.cause])).to.deep.equal([
      [ids[0], 'USER_BUSY'],
      [ids[1], 'NO_ANSWER'],
    ]);
  });

  it('device: busy → USER_BUSY; no answer → NO_ANSWER; an unregistered device → `_`', async () => {
    let from = marks();
    const busy = await h.callflow({ module: 'device', data: { id: ids[0] }, children: { USER_BUSY: beep, _: noop } });
    const c1 = await h.call(busy);
    await nextEvent(phones[0], from[0], 'CALL_INCOMING');
    await phones[0].hangup();
    await c1.waitEnded(5000);
    expect((await h.record(c1.peerId)).trace[0]).to.include({ result: 'USER_BUSY', reason: 'USER_BUSY (sip:486)' });

    from = marks();
    const quiet = await h.callflow({ module: 'device', data: { id: ids[1], timeout: 2 }, children: { NO_ANSWER: beep, _: noop } });
    const c2 = await h.call(quiet);
    await nextEvent(phones[1], from[1], 'CALL_INCOMING');
    await nextEvent(phones[1], from[1], 'CALL_CLOSED', 4000);
    await c2.waitEnded(5000);
    expect((await h.record(c2.peerId)).trace[0]).to.include({ result: 'NO_ANSWER' });

    const gone = await h.callflow({ module: 'device', data: { id: offline }, children: { USER_BUSY: noop, NO_ANSWER: noop, _: beep } });
    const c3 = await h.call(gone);
    await c3.waitEnded(5000);
    const r3 = await h.record(c3.peerId);
    expect(steps(r3)).to.deep.equal([
      ['device', '_'],
      ['play', '_ (no child)'],
    ]);
    expect(r3.trace[0].reason).to.equal('USER_NOT_REGISTERED');
  });

  it('a device in do not disturb never rings: its call takes `_`', async () => {
    await client.ok('PATCH', `/devices/${ids[2]}`, { do_not_disturb: { enabled: true } });
    try {
      const from = marks();
      const number = await h.callflow({ module: 'device', data: { id: ids[2] }, children: { _: beep } });
      const caller = await h.call(number);
      await caller.waitEnded(5000);
      const rec = await h.record(caller.peerId);
      expect(rec.trace[0]).to.include({ module: 'device', result: '_', reason: `device not rung: ${ids[2]} do_not_disturb` });
      // In a ring group it is left out too, while the others ring.
      const group = await h.callflow({ module: 'ring_group', data: { timeout: 1, endpoints: ids.map((id) => ({ id })) }, children: { _: noop } });
      const c2 = await h.call(group);
      await c2.waitEnded(5000);
      await new Promise((r) => setTimeout(r, 300));
      expect(eventsOf(phones[2], from[2], 'CALL_INCOMING')).to.deep.equal([]);
      expect(eventsOf(phones[0], from[0], 'CALL_INCOMING')).to.have.length(1);
    } finally {
      await client.ok('PATCH', `/devices/${ids[2]}`, { do_not_disturb: { enabled: false } });
    }
  });
});
