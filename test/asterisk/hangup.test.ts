// The caller hangs up while ariflow is busy with the call: every wait ends with CallGoneError, the signal
// aborts, nothing is left registered and no promise rejection goes unhandled — over many calls too.
import { expect } from 'chai';
import { CallGoneError } from '../../lib/callcontrol/port.ts';
import { AriDriver } from '../helpers/ari-driver.ts';
import type { AriCall } from '../../lib/asterisk/call.ts';
import { connectAri } from '../../lib/asterisk/connection.ts';
import { captureLogger, settle, startAriflow, testConfig, type Ariflow } from './harness.ts';

describe('asterisk: the caller hangs up (real Asterisk)', function () {
  this.timeout(30000);
  let flow: Ariflow;
  let driver: AriDriver;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    flow = await startAriflow();
    driver = await AriDriver.start();
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await driver?.close();
    await flow?.close();
  });

  it('mid-playback: the play rejects with CallGoneError, the signal aborts, later calls to the port reject too', async () => {
    const caller = await driver.call('5553000', { targetApp: flow.app });
    const { call } = await flow.nextCall();
    await call.answer();
    await caller.waitUp();
    let abortedWith: unknown;
    call.signal.addEventListener('abort', () => (abortedWith = call.signal.reason), { once: true });

    const playing = settle(call.play(['sound:tt-monkeys']));
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    const t0 = Date.now();
    await caller.hangup();
    const result = await playing;
    expect(Date.now() - t0).to.be.lessThan(2000);
    expect(result.ok).to.equal(false);
    expect(result.ok ? undefined : result.error).to.be.instanceOf(CallGoneError);
    expect(call.signal.aborted).to.equal(true);
    expect(abortedWith).to.be.instanceOf(CallGoneError);
    expect(call.hangupCause).to.equal('NORMAL_CLEARING');
    await call.waitForHangup();

    for (const op of <(() => Promise<unknown>)[]>[
      () => call.answer(),
      () => call.play(['sound:beep']),
      () => call.collectDigits({ maxDigits: 1, timeoutMs: 1000, interdigitMs: 1000 }),
      () => call.sleep(1000),
      () => call.setVariable('X', '1'),
      () => call.getVariable('X'),
      () => call.sendDtmf('1'),
      () => call.startRinging('moh'),
      () => call.hangup(),
    ]) {
      const r = await settle(op());
      expect(r.ok ? undefined : r.error).to.be.instanceOf(CallGoneError);
    }
    expect(flow.conn.routeCount).to.equal(0);
    expect(unhandled).to.deep.equal([]);
  });

  it('while collecting digits or sleeping: both reject with CallGoneError; the caller\'s cause is kept', async () => {
    const caller = await driver.call('5553001', { targetApp: flow.app });
    const { call } = await flow.nextCall();
    await call.answer();
    await caller.waitUp();
    const collecting = settle(call.collectDigits({ maxDigits: 4, timeoutMs: 10000, interdigitMs: 10000 }));
    const sleeping = settle(call.sleep(10000));
    const t0 = Date.now();
    await caller.hangup(17);
    const [c, s] = await Promise.all([collecting, sleeping]);
    expect(Date.now() - t0).to.be.lessThan(2000);
    expect(call.hangupCause).to.equal('USER_BUSY');
    expect(c.ok ? undefined : c.error).to.be.instanceOf(CallGoneError);
    expect(s.ok ? undefined : s.error).to.be.instanceOf(CallGoneError);
  });

  it('after many calls the per-call registrations are back to their baseline, and nothing went unhandled', async () => {
    const baseline = flow.conn.routeCount;
    const socketListeners = flow.conn.listenerCount('connected');
    const total = 24;
    const oneCall = async (i: number) => {
      const caller = await driver.call(`55531${String(i).padStart(2, '0')}`, { targetApp: flow.app });
      const { call } = await flow.callFor(caller.peerId);
      await call.answer();
      await caller.waitUp();
      // Half the calls are busy playing, the other half collecting, when the caller leaves.
      const work: Promise<unknown> = i % 2 ? call.play(['sound:tt-monkeys'], { terminators: ['#'] }) : call.collectDigits({ maxDigits: 3, timeoutMs: 9000, interdigitMs: 9000 });
      const outcome = settle(work);
      if (i % 2) await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
      await caller.hangup();
      const r = await outcome;
      expect(r.ok ? undefined : r.error).to.be.instanceOf(CallGoneError);
      await call.waitForHangup();
    };
    // Eight calls at a time.
    for (let batch = 0; batch < total; batch += 8) {
      const running: Promise<void>[] = [];
      for (let i = batch; i < batch + 8; i++) {
        running.push(oneCall(i));
        await new Promise((r) => setTimeout(r, 60));
      }
      await Promise.all(running);
    }
    expect(flow.conn.activeCalls).to.equal(0);
    expect(flow.conn.routeCount).to.equal(baseline);
    expect(flow.conn.listenerCount('connected')).to.equal(socketListeners);
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).to.deep.equal([]);
  });

  it('an async onCall that rejects: the error is logged, the call is hung up, nothing goes unhandled', async () => {
    const { logger, lines } = captureLogger();
    const calls: AriCall[] = [];
    const conn = await connectAri(testConfig(), logger, {
      onCall: async (call) => {
        calls.push(call);
        await call.answer();
        throw new Error('engine bug');
      },
    });
    try {
      const caller = await driver.call('5553200', { targetApp: conn.app });
      await caller.waitEnded();
      const [call] = calls;
      await call.waitForHangup();
      expect(call.hangupCause).to.equal('NORMAL_TEMPORARY_FAILURE');
      expect(lines.some((l) => l.msg === 'call handler failed' && (l.err as { message?: string })?.message === 'engine bug')).to.equal(true);
      for (let i = 0; i < 100 && conn.routeCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(conn.routeCount).to.equal(0);
      expect(unhandled).to.deep.equal([]);
    } finally {
      await conn.close();
    }
  });
});
