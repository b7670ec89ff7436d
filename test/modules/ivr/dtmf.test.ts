// collect_dtmf, flush_dtmf and send_dtmf on real calls.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import type { CallflowNode } from '../../../lib/engine/module.ts';

const hangup: CallflowNode = { module: 'hangup', data: {} };

describe('collect_dtmf / flush_dtmf / send_dtmf on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  const ivr = new Set(['collect_dtmf', 'flush_dtmf', 'send_dtmf', 'play']);
  /** [module, result, reason] — the reason only for the modules under test (others word theirs freely). */
  const steps = (rec: { trace: { module: string; result: string; reason?: string }[] }) =>
    rec.trace.map((s) => [s.module, s.result, ivr.has(s.module) ? s.reason : '-']);

  it('digits typed during a prompt count first, then the rest up to max_digits', async () => {
    const number = await h.callflow({
      module: 'play',
      data: { id: 'tt-monkeys' },
      children: { _: { module: 'collect_dtmf', data: { max_digits: 3, timeout: 4000, interdigit_timeout: 4000, collection_name: 'account' }, children: { _: hangup } } },
    });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    await caller.sendDtmf('123');
    await caller.waitEnded(6000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['play', '_', 'interrupted by 1'],
      ['collect_dtmf', '_', 'collected "123" into account (max_digits reached)'],
      ['hangup', 'hard_stop', '-'],
    ]);
  });

  it('stops at the terminator, and on the timeout with what it has', async () => {
    const number = await h.callflow({
      module: 'collect_dtmf',
      data: { max_digits: 5, timeout: 4000, interdigit_timeout: 4000, collection_name: 'first' },
      children: { _: { module: 'collect_dtmf', data: { max_digits: 2, timeout: 300, collection_name: 'none' }, children: { _: hangup } } },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.sendDtmf('12#');
    await caller.waitEnded(6000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec).map((s) => s[2])).to.deep.equal([
      'collected "12" into first (terminator)',
      'collected "" into none (timeout)',
      '-',
    ]);
  });

  it('a later collect_dtmf takes what the `default` collection holds (Kazoo\'s early digits) and empties it', async () => {
    const number = await h.callflow({
      module: 'collect_dtmf',
      data: { max_digits: 2, timeout: 4000 },
      children: { _: { module: 'collect_dtmf', data: { max_digits: 2, timeout: 4000, collection_name: 'second' }, children: { _: hangup } } },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    const t0 = Date.now();
    await caller.sendDtmf('12');
    await caller.waitEnded(6000);
    // The second node did not wait for its 4 s timeout: it had its digits already.
    expect(Date.now() - t0).to.be.lessThan(3000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec).map((s) => s[2])).to.deep.equal([
      'collected "12" into default (max_digits reached)',
      'collected "12" into second (from earlier input)',
      '-',
    ]);
  });

  it('keeps digits of secret-looking collections out of the trace', async () => {
    const number = await h.callflow({ module: 'collect_dtmf', data: { max_digits: 4, timeout: 4000, collection_name: 'pin' }, children: { _: hangup } });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.sendDtmf('4321');
    await caller.waitEnded(6000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal('collected 4 digit(s) into pin (max_digits reached)');
  });

  it('flush_dtmf drops keys typed before it', async () => {
    const number = await h.callflow({
      module: 'play',
      data: { id: 'tt-monkeys' },
      children: {
        _: {
          module: 'flush_dtmf',
          data: {},
          children: { _: { module: 'collect_dtmf', data: { max_digits: 1, timeout: 600 }, children: { _: hangup } } },
        },
      },
    });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    await caller.sendDtmf('5');
    await caller.waitEnded(6000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec).map((s) => s.slice(0, 3))).to.deep.equal([
      ['play', '_', 'interrupted by 5'],
      ['flush_dtmf', '_', 'flushed default (was empty)'],
      ['collect_dtmf', '_', 'collected "" into default (timeout)'],
      ['hangup', 'hard_stop', '-'],
    ]);
  });

  it('flush_dtmf forgets a named collection', async () => {
    const number = await h.callflow({
      module: 'collect_dtmf',
      data: { max_digits: 1, timeout: 4000, collection_name: 'choice' },
      children: { _: { module: 'flush_dtmf', data: { collection_name: 'choice' }, children: { _: { module: 'flush_dtmf', data: { collection_name: 'choice' }, children: { _: hangup } } } } },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.sendDtmf('7');
    await caller.waitEnded(6000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec).map((s) => s[2])).to.deep.equal(['collected "7" into choice (max_digits reached)', 'flushed choice', 'flushed choice (was empty)', '-']);
  });

  it('ends cleanly when the caller hangs up while digits are collected', async () => {
    const number = await h.callflow({ module: 'collect_dtmf', data: { max_digits: 4, timeout: 10_000 }, children: { _: hangup } });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(steps(rec).map((s) => s.slice(0, 2))).to.deep.equal([['collect_dtmf', 'caller_hangup']]);
    expect(rec.end).to.equal('caller_hangup');
  });

  it('send_dtmf plays the digits to the caller, with pauses, before the flow goes on', async () => {
    const number = await h.callflow({ module: 'answer', data: {}, children: { _: { module: 'send_dtmf', data: { digits: '1w2#', duration_ms: 150 }, children: { _: hangup } } } });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitEnded(6000);
    const got = caller.events().filter((e) => e.type === 'ChannelDtmfReceived' && e.channel?.id === caller.id);
    expect(got.map((e) => e.digit)).to.deep.equal(['1', '2', '#']);
    expect(got[1].at - got[0].at).to.be.greaterThan(450); // the `w` pause
    const rec = await h.record(caller.peerId);
    expect(steps(rec).map((s) => s.slice(0, 3))).to.deep.equal([
      ['answer', '_', '-'],
      ['send_dtmf', '_', 'sent 1w2# (150 ms each)'],
      ['hangup', 'hard_stop', '-'],
    ]);
  });

  it('send_dtmf skips invalid digits', async () => {
    const number = await h.callflow({ module: 'send_dtmf', data: { digits: '12x' }, children: { _: hangup } });
    const caller = await h.call(number);
    await caller.waitEnded(6000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal('invalid digits "12x"');
  });
});
