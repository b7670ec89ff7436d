// Acceptance on a real SIP phone (baresip) registered as a device created over the API: a device in DND never
// rings; toggling DND with the feature code dialled from the phone itself takes effect on the next call.
// Also call waiting off: while the phone is on a call, a second call gets busy (USER_BUSY) and never rings it.
import { expect } from 'chai';
import { apiClient, type ApiClient } from '../../helpers/api-client.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { DevicePhone, sipCredentials } from '../../helpers/phones.ts';
import { stackToolAvailable, type SipPhone } from '../../helpers/sip-phone.ts';
import { beep, steps } from '../ringing/helpers.ts';

describe('feature codes on a real SIP phone (baresip)', function () {
  this.timeout(40_000);
  this.retries(2);
  let h: EngineHarness;
  let client: ApiClient;
  let desk: DevicePhone;
  let phone: SipPhone;
  let deviceId = '';

  /** Calls that reached the phone since event `from` (auto-answered ones show as established). */
  const incoming = (from: number) => phone.events.slice(from).filter((e) => e.type === 'CALL_INCOMING' || (e.type === 'CALL_ESTABLISHED' && e.direction === 'incoming'));

  before(async function () {
    if (!stackToolAvailable('baresip')) this.skip();
    h = await EngineHarness.start();
    client = await apiClient(h);
    // The phone's own calls reach this harness's app (not the dialplan's default `ariflow`) because the
    // provisioner puts ARIFLOW_APP on the endpoint.
    desk = await DevicePhone.create(client, 'desk', sipCredentials('fc'), { answermode: 'auto' });
    deviceId = desk.id;
    phone = desk.phone;
  });
  beforeEach(async () => {
    await new Promise((r) => setTimeout(r, 200));
    await desk.restartIfGone();
    phone = desk.phone;
  });
  after(async () => {
    await desk?.stop();
    await h?.stop();
  });

  it('a device in DND never rings; *78 / *79 dialled from the phone take effect on the next call', async () => {
    await h.callflow({ module: 'do_not_disturb', data: { action: 'activate' } }, { patterns: ['^\\*78$'] });
    await h.callflow({ module: 'do_not_disturb', data: { action: 'deactivate' } }, { patterns: ['^\\*79$'] });
    const number = await h.callflow({ module: 'device', data: { id: deviceId, timeout: 5 }, children: { _: beep } });

    // The phone dials the feature code: ariflow answers, says "activated", hangs up.
    let from = phone.events.length;
    await phone.dial('*78');
    await phone.waitEvent('CALL_ESTABLISHED', 5000, (e) => phone.events.indexOf(e) >= from);
    await phone.waitEvent('CALL_CLOSED', 10_000, (e) => phone.events.indexOf(e) >= from);
    expect((await h.db.collection('devices').findOne({ _id: deviceId as never }))?.do_not_disturb).to.deep.equal({ enabled: true });

    // The next call does not ring it and takes `_`.
    from = phone.events.length;
    const c1 = await h.call(number);
    await c1.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await c1.waitEnded(5000);
    const r1 = await h.record(c1.peerId);
    expect(steps(r1)[0]).to.deep.equal(['device', '_']);
    expect(r1.trace[0].reason).to.equal(`device not rung: ${deviceId} do_not_disturb`);
    expect(incoming(from)).to.deep.equal([]);

    // *79 from the phone: the next call rings it again (auto-answered).
    from = phone.events.length;
    await phone.dial('*79');
    await phone.waitEvent('CALL_CLOSED', 10_000, (e) => phone.events.indexOf(e) >= from);
    expect((await h.db.collection('devices').findOne({ _id: deviceId as never }))?.do_not_disturb).to.deep.equal({ enabled: false });
    from = phone.events.length;
    const c2 = await h.call(number);
    // Auto-answer: baresip reports the call as established (no CALL_INCOMING event first).
    await phone.waitEvent('CALL_ESTABLISHED', 5000, (e) => phone.events.indexOf(e) >= from);
    await c2.waitUp(5000);
    await c2.hangup();
    await phone.waitEvent('CALL_CLOSED', 5000, (e) => phone.events.indexOf(e) >= from);
    expect((await h.record(c2.peerId)).trace[0].reason).to.equal(`answered by ${deviceId}`);
  });

  it('call waiting off: while the phone is on a call a second call is busy (USER_BUSY) and does not ring it', async () => {
    await client.ok('PATCH', `/devices/${deviceId}`, { call_waiting: { enabled: false } });
    try {
      const hold = await h.callflow({ module: 'play', data: { id: 'tt-monkeys' } });
      const number = await h.callflow({ module: 'device', data: { id: deviceId, timeout: 5 }, children: { USER_BUSY: beep } });
      let from = phone.events.length;
      await phone.dial(hold);
      await phone.waitEvent('CALL_ESTABLISHED', 5000, (e) => phone.events.indexOf(e) >= from);
      from = phone.events.length;
      const c1 = await h.call(number);
      await c1.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
      const r1 = await h.record(c1.peerId).catch(async () => {
        await c1.hangup();
        return h.record(c1.peerId);
      });
      expect(steps(r1)[0]).to.deep.equal(['device', 'USER_BUSY']);
      expect(incoming(from)).to.deep.equal([]);
      await phone.hangup();
    } finally {
      await client.ok('PATCH', `/devices/${deviceId}`, { call_waiting: { enabled: true } });
    }
  });
});
