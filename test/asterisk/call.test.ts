// AriCall against the real Asterisk: a call originated into `inbound` reaches onCall, is answered, plays,
// and the other port operations do what they say on the caller's side.
import { expect } from 'chai';
import { CallGoneError } from '../../lib/callcontrol/port.ts';
import { AriDriver } from '../helpers/ari-driver.ts';
import { settle, startAriflow, type Ariflow } from './harness.ts';

describe('asterisk: AriCall (real Asterisk)', function () {
  this.timeout(20000);
  let flow: Ariflow;
  let driver: AriDriver;

  before(async () => {
    flow = await startAriflow();
    driver = await AriDriver.start();
  });
  after(async () => {
    await driver?.close();
    await flow?.close();
  });

  it('hands an inbound call to onCall with the dialled number, answers it and plays hello-world to the end', async () => {
    const caller = await driver.call('5551000', { targetApp: flow.app, callerId: '"Alice" <2001>' });
    const { call, incoming } = await flow.nextCall();
    expect(incoming).to.deep.equal({ kind: 'inbound', exten: '5551000' });
    expect(call.id).to.equal(caller.peerId);
    expect(call.dialed).to.equal('5551000');
    expect(call.callerId).to.deep.equal({ number: '2001', name: 'Alice' });
    expect(call.isAnswered()).to.equal(false);

    await call.answer();
    const up = await caller.waitUp();
    expect(up.channel?.state).to.equal('Up');
    expect(call.isAnswered()).to.equal(true);
    expect(call.answeredAt).to.be.instanceOf(Date);

    const result = await call.play(['sound:hello-world']);
    expect(result).to.deep.equal({ status: 'done' });
    const started = await caller.waitPlayback('PlaybackStarted', 'sound:hello-world');
    const finished = await caller.waitPlayback('PlaybackFinished', 'sound:hello-world');
    expect(finished.playback?.state).to.equal('done');
    expect(finished.at - started.at).to.be.greaterThan(500); // hello-world lasts ~1.2 s: it really played

    await call.hangup();
    expect(call.signal.aborted).to.equal(true);
    expect(call.hangupCause).to.equal('NORMAL_CLEARING');
    await caller.waitEnded();
    await call.waitForHangup();
  });

  it('asks Asterisk to leave ChannelVarset events out of the app (nothing reads them; SIP hangups bring five)', async () => {
    type App = { events_allowed?: { type: string }[]; events_disallowed?: { type: string }[] };
    const read = () => flow.conn.rest.call('applications.get', (c) => c.applications.get({ applicationName: flow.app }) as unknown as Promise<App>);
    let app = await read();
    // The filter goes out right after the websocket opens.
    for (let i = 0; i < 40 && !(app.events_disallowed ?? []).length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      app = await read();
    }
    expect(app.events_disallowed).to.deep.equal([{ type: 'ChannelVarset' }]);
    expect(app.events_allowed ?? []).to.deep.equal([]);
  });

  it('reports a missing file as failed within a second, and still plays the rest of the list', async () => {
    const caller = await driver.call('5551001', { targetApp: flow.app });
    const { call } = await flow.nextCall();
    await call.answer();
    const t0 = Date.now();
    expect(await call.play(['sound:no-such-prompt-ariflow'])).to.deep.equal({ status: 'failed' });
    expect(Date.now() - t0).to.be.lessThan(1000);
    expect(await call.play(['sound:no-such-prompt-ariflow', 'sound:beep'])).to.deep.equal({ status: 'failed' });
    const beep = await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    expect(beep.playback?.state).to.equal('done');
    await call.hangup();
  });

  it('sets and reads channel variables and the caller id; an unset variable is undefined', async () => {
    await driver.call('5551002', { targetApp: flow.app, callerId: '"Bob" <2002>' });
    const { call } = await flow.nextCall();
    await call.setVariable('ARIFLOW_TEST', 'forty two');
    expect(await call.getVariable('ARIFLOW_TEST')).to.equal('forty two');
    expect(await call.getVariable('ARIFLOW_NEVER_SET')).to.equal(undefined);
    await call.setCallerId({ number: '3003', name: 'Carol' });
    expect(call.callerId).to.deep.equal({ number: '3003', name: 'Carol' });
    expect(await call.getVariable('CALLERID(num)')).to.equal('3003');
    expect(await call.getVariable('CALLERID(name)')).to.equal('Carol');
    await call.hangup();
  });

  it('rings, then plays music on hold, then stops', async () => {
    const caller = await driver.call('5551003', { targetApp: flow.app });
    const { call } = await flow.nextCall();
    await call.startRinging('ring');
    await call.stopRinging();
    await call.answer();
    await caller.waitUp();
    await call.startRinging('moh');
    await call.sleep(300);
    await call.stopRinging();
    await call.stopRinging(); // nothing to stop: no-op
    await call.hangup();
  });

  it('sends DTMF toward the caller', async () => {
    const caller = await driver.call('5551004', { targetApp: flow.app });
    const { call } = await flow.nextCall();
    await call.answer();
    await caller.waitUp();
    await call.sendDtmf('7');
    const dtmf = await caller.waitFor('ChannelDtmfReceived', (e) => e.channel?.id === caller.id);
    expect(dtmf.digit).to.equal('7');
    await call.hangup();
  });

  it('hangs up with a Kazoo cause: the caller sees the Q.850 code', async () => {
    const caller = await driver.call('5551005', { targetApp: flow.app });
    const { call } = await flow.nextCall();
    await call.hangup('USER_BUSY');
    expect(call.hangupCause).to.equal('USER_BUSY');
    const ended = await caller.waitEnded();
    expect(ended.cause).to.equal(17);
    // Every operation after the end says "call gone".
    const again = await settle(call.hangup());
    expect(again.ok).to.equal(false);
    expect(again.ok ? undefined : again.error).to.be.instanceOf(CallGoneError);
  });

  it('does not take the re-entry of a hung-up channel (`h` extension) for a new call', async () => {
    const before = flow.received.length;
    const caller = await driver.call('5551006', { targetApp: flow.app });
    const { call } = await flow.nextCall();
    await call.answer();
    await caller.waitUp();
    await caller.hangup();
    await call.waitForHangup();
    await new Promise((r) => setTimeout(r, 300));
    expect(flow.received.length).to.equal(before + 1);
    expect(flow.conn.routeCount).to.equal(0);
  });
});
