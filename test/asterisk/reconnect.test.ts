// The websocket drops (a proxy between ariflow and ARI cuts every connection and refuses new ones for a
// while; Asterisk keeps running): ariflow retries with growing delays, reconnects, emits `connected` again,
// settles what happened to its calls during the gap, and takes new calls. Also: calls left in the app by a
// previous process, and channels the app creates itself.
import { expect } from 'chai';
import type { AriEvent } from '../../lib/asterisk/ari-types.ts';
import { CallGoneError } from '../../lib/callcontrol/port.ts';
import { AriDriver } from '../helpers/ari-driver.ts';
import { settle, startAriflow, testConfig, type Ariflow } from './harness.ts';
import { TcpProxy } from './tcp-proxy.ts';

const ariPort = Number(new URL(process.env.ARI_URL ?? 'http://127.0.0.1:8088').port || 80);

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('asterisk: reconnect and re-adoption (real Asterisk)', function () {
  this.timeout(30000);
  let driver: AriDriver;

  before(async () => {
    driver = await AriDriver.start();
  });
  after(async () => {
    await driver?.close();
  });

  it('reconnects with backoff after a websocket drop, settles the calls of the gap, and takes new calls', async () => {
    const proxy = await new TcpProxy(ariPort).start();
    const flow = await startAriflow(testConfig({ ariUrl: proxy.url, ariRequestTimeoutMs: 3000 }), {
      reconnectInitialDelayMs: 200,
      reconnectMaxDelayMs: 800,
    });
    try {
      expect(flow.connected).to.deep.equal([{ reconnect: false, reconnects: 0 }]);

      // Call 1 waits for digits; its caller will hang up during the gap.
      const caller1 = await driver.call('5556001', { targetApp: flow.app });
      const { call: call1 } = await flow.callFor(caller1.peerId);
      await call1.answer();
      await caller1.waitUp();
      const collecting = settle(call1.collectDigits({ maxDigits: 4, timeoutMs: 20000, interdigitMs: 20000 }));

      // Call 2 plays a short prompt that ends during the gap: its PlaybackFinished is lost.
      const caller2 = await driver.call('5556002', { targetApp: flow.app });
      const { call: call2 } = await flow.callFor(caller2.peerId);
      await call2.answer();
      await caller2.waitUp();
      const playing = call2.play(['sound:hello-world']);
      await caller2.waitPlayback('PlaybackStarted', 'sound:hello-world');
      // Under load the REST answer to the play can trail its PlaybackStarted event: let it arrive before
      // the connections are cut (the prompt lasts about 1.3 s, so it still ends during the gap).
      await new Promise((r) => setTimeout(r, 300));

      const dropped = new Promise((resolve) => flow.conn.once('disconnected', resolve));
      proxy.mode = 'reset';
      proxy.dropAll();
      await dropped;
      await caller1.hangup(); // during the gap: ariflow cannot see it
      await caller2.waitPlayback('PlaybackFinished', 'sound:hello-world', 5000);
      // A new call during the gap finds no app (STASISSTATUS=FAILED) and gets the dialplan's fallback.
      const lost = await driver.call('5556003', { targetApp: flow.app });
      await lost.waitEnded(8000);
      await new Promise((r) => setTimeout(r, 600)); // a few failed attempts
      proxy.mode = 'forward';

      await until('the second connected', () => flow.connected.length === 2, 8000);
      expect(flow.connected[1]).to.deep.equal({ reconnect: true, reconnects: 1 });
      expect(flow.conn.reconnects).to.equal(1);
      const attempts = flow.lines.filter((l) => l.msg === 'ARI websocket reconnect scheduled');
      expect(attempts.length).to.be.greaterThanOrEqual(2);
      const delays = attempts.map((l) => l.delayMs as number);
      expect(delays[0]).to.equal(200);
      expect(delays[1]).to.equal(400);
      expect(Math.max(...delays)).to.be.at.most(800);
      expect(flow.lines.some((l) => l.msg === 'ARI websocket reconnected')).to.equal(true);

      // The sweep after the reconnect: call 1's channel is gone, call 2's playback is over.
      const r1 = await collecting;
      expect(r1.ok ? undefined : r1.error).to.be.instanceOf(CallGoneError);
      expect(call1.signal.aborted).to.equal(true);
      expect(await playing).to.deep.equal({ status: 'done' });
      expect(flow.received.some((c) => c.call.id === lost.peerId)).to.equal(false);

      // Call 2 still works after the gap (its events flow again), and new calls arrive.
      const collecting2 = call2.collectDigits({ maxDigits: 1, timeoutMs: 5000, interdigitMs: 5000 });
      await caller2.sendDtmf('5');
      expect(await collecting2).to.deep.equal({ digits: '5', reason: 'max_digits' });
      const caller4 = await driver.call('5556004', { targetApp: flow.app });
      const { call: call4, incoming } = await flow.callFor(caller4.peerId);
      expect(incoming.exten).to.equal('5556004');
      await call4.answer();
      expect(await call4.play(['sound:beep'])).to.deep.equal({ status: 'done' });
      await call4.hangup();
      await call2.hangup();
      expect(flow.conn.routeCount).to.equal(0);
    } finally {
      await flow.close();
      await proxy.close();
    }
  });

  it('a new process adopts a ringing call left in the app and hangs up an answered one', async () => {
    const config = testConfig();
    const first = await startAriflow(config);
    const ringing = await driver.call('5556101', { targetApp: first.app });
    const answered = await driver.call('5556102', { targetApp: first.app });
    await first.callFor(ringing.peerId);
    const { call: up } = await first.callFor(answered.peerId);
    await up.answer();
    await answered.waitUp();
    // The first process goes away without hanging up (a crash, a deploy): both channels stay in the app.
    await first.close({ hangupCalls: false });

    const second = await startAriflow(config, { sweepGraceMs: 200 });
    try {
      const { call, incoming } = await second.callFor(ringing.peerId, 5000);
      expect(incoming).to.deep.equal({ kind: 'inbound', exten: '5556101' });
      await call.answer();
      await ringing.waitUp();
      expect(await call.play(['sound:beep'])).to.deep.equal({ status: 'done' });
      await answered.waitEnded(5000);
      expect(second.received.some((c) => c.call.id === answered.peerId)).to.equal(false);
      await call.hangup();
    } finally {
      await second.close();
    }
  });

  it('channels the app creates itself (pre-registered ids) never reach onCall', async () => {
    const flow = await startAriflow();
    try {
      const events: AriEvent[] = [];
      const id = flow.conn.reserveChannelId((e) => events.push(e));
      expect(id).to.match(/^[0-9a-f-]{36}$/);
      await flow.conn.rest.call('channels.create', (c) =>
        c.channels.create({ endpoint: 'Local/answer-now@sim', app: flow.app, appArgs: 'outbound', channelId: id }),
      );
      await until('StasisStart of the owned channel', () => events.some((e) => e.type === 'StasisStart'));
      await flow.conn.rest.call('channels.hangup', (c) => c.channels.hangup({ channelId: id }));
      // The route goes with the channel's last event the app hears (StasisEnd or ChannelDestroyed).
      await until('the owned channel released', () => flow.conn.routeCount === 0);
      expect(events.some((e) => e.type === 'StasisEnd' || e.type === 'ChannelDestroyed')).to.equal(true);
      expect(flow.received).to.deep.equal([]);
      expect(flow.conn.routeCount).to.equal(0);
    } finally {
      await flow.close();
    }
  });
});
