// Digit collection against the real Asterisk, DTMF sent from the caller's side: max digits, first-digit
// and interdigit timeouts, terminators, and Kazoo's rule that digits pressed during a prompt count.
import { expect } from 'chai';
import type { AriCall } from '../../lib/asterisk/call.ts';
import { AriDriver, type SimCaller } from '../helpers/ari-driver.ts';
import { startAriflow, type Ariflow } from './harness.ts';

describe('asterisk: collecting digits (real Asterisk)', function () {
  this.timeout(20000);
  let flow: Ariflow;
  let driver: AriDriver;
  let caller: SimCaller;
  let call: AriCall;

  before(async () => {
    flow = await startAriflow();
    driver = await AriDriver.start();
  });
  after(async () => {
    await driver?.close();
    await flow?.close();
  });

  // One answered call per test.
  beforeEach(async () => {
    caller = await driver.call('5552000', { targetApp: flow.app });
    ({ call } = await flow.nextCall());
    await call.answer();
    await caller.waitUp();
  });
  afterEach(async () => {
    if (!call.isEnded) await call.hangup().catch(() => {});
  });

  it('stops at max digits', async () => {
    const collecting = call.collectDigits({ maxDigits: 3, timeoutMs: 5000, interdigitMs: 3000 });
    await caller.sendDtmf('1234', { betweenMs: 50 });
    expect(await collecting).to.deep.equal({ digits: '123', reason: 'max_digits' });
    // The fourth digit stays for the next collection.
    await new Promise((r) => setTimeout(r, 400));
    expect(await call.collectDigits({ maxDigits: 1, timeoutMs: 2000, interdigitMs: 2000 })).to.deep.equal({ digits: '4', reason: 'max_digits' });
  });

  it('ends on the interdigit timeout with the digits so far', async () => {
    const t0 = Date.now();
    const collecting = call.collectDigits({ maxDigits: 6, timeoutMs: 8000, interdigitMs: 700 });
    await caller.sendDtmf('45', { betweenMs: 50 });
    const got = await collecting;
    expect(got).to.deep.equal({ digits: '45', reason: 'timeout' });
    // Ended by the 0.7 s interdigit timer, well before the 8 s first-digit timeout.
    expect(Date.now() - t0).to.be.lessThan(5000);
  });

  it('ends on the first-digit timeout with nothing', async () => {
    const t0 = Date.now();
    expect(await call.collectDigits({ maxDigits: 4, timeoutMs: 400, interdigitMs: 5000 })).to.deep.equal({ digits: '', reason: 'timeout' });
    expect(Date.now() - t0).to.be.within(350, 3000);
  });

  it('ends on a terminator, which is not part of the digits; later digits stay buffered', async () => {
    const collecting = call.collectDigits({ maxDigits: 10, timeoutMs: 5000, interdigitMs: 3000, terminators: ['#'] });
    await caller.sendDtmf('78#9', { betweenMs: 50 });
    expect(await collecting).to.deep.equal({ digits: '78', reason: 'terminator' });
    await caller.waitFor('ChannelDtmfReceived', (e) => e.channel?.id === caller.peerId && e.digit === '9');
    expect(await call.collectDigits({ maxDigits: 1, timeoutMs: 100, interdigitMs: 100 })).to.deep.equal({ digits: '9', reason: 'max_digits' });
  });

  it('digits pressed during a prompt are kept; a terminator stops the prompt (Kazoo semantics)', async () => {
    const t0 = Date.now();
    const playing = call.play(['sound:tt-monkeys'], { terminators: ['#'] });
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    await caller.sendDtmf('12#', { betweenMs: 50 });
    expect(await playing).to.deep.equal({ status: 'interrupted', digit: '#' });
    const finished = await caller.waitPlayback('PlaybackFinished', 'sound:tt-monkeys');
    // tt-monkeys lasts ~14 s: the prompt was cut short by the terminator.
    expect(finished.at - (await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys')).at).to.be.lessThan(5000);
    expect(Date.now() - t0).to.be.lessThan(6000);
    // 1 and 2 did not stop the prompt but were buffered; the terminator stays in the buffer too.
    expect(await call.collectDigits({ maxDigits: 5, timeoutMs: 2000, interdigitMs: 2000, terminators: ['#'] })).to.deep.equal({
      digits: '12',
      reason: 'terminator',
    });
  });

  it('a menu prompt stops at the first digit, which starts the collection', async () => {
    const playing = call.play(['sound:tt-monkeys'], { terminators: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] });
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    await caller.sendDtmf('42', { betweenMs: 50 });
    expect(await playing).to.deep.equal({ status: 'interrupted', digit: '4' });
    expect(await call.collectDigits({ maxDigits: 2, timeoutMs: 3000, interdigitMs: 2000 })).to.deep.equal({ digits: '42', reason: 'max_digits' });
  });

  it('flushDigits discards what was pressed before', async () => {
    await caller.sendDtmf('55', { betweenMs: 50 });
    await caller.waitFor('ChannelDtmfReceived', (e) => e.channel?.id === caller.peerId && e.digit === '5' && e.at > 0);
    await new Promise((r) => setTimeout(r, 300));
    call.flushDigits();
    expect(await call.collectDigits({ maxDigits: 2, timeoutMs: 300, interdigitMs: 300 })).to.deep.equal({ digits: '', reason: 'timeout' });
  });
});
