// The engine on real calls: a stored callflow is matched, walked with Kazoo's semantics on a real channel,
// and its record and trace are written.
import { expect } from 'chai';
import { EngineHarness } from '../helpers/engine-harness.ts';

describe('engine on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  it('answers, plays a prompt to the end, hangs up and records the trace', async () => {
    const number = await h.callflow({ module: 'play', data: { id: 'beep' }, children: { _: { module: 'hangup', data: {} } } });
    const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
    await caller.waitUp();
    const finished = await caller.waitPlayback('PlaybackFinished');
    expect(finished.playback?.state).to.equal('done');
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(rec.account_id).to.equal(h.accountId);
    expect(rec.callee).to.equal(number);
    expect(rec.caller_id_number).to.equal('5551234');
    expect(rec.answered_at).to.be.instanceOf(Date);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['play', '_'],
      ['hangup', 'hard_stop'],
    ]);
    expect(rec.end).to.equal('hangup');
  });

  it('does not answer a number nobody owns', async () => {
    const caller = await h.call('70000000000');
    const ended = await caller.waitEnded();
    expect(caller.events().some((e) => e.type === 'StasisStart' && e.channel?.id === caller.id)).to.equal(false);
    expect(ended.type).to.equal('ChannelDestroyed');
    const rec = await h.record(caller.peerId);
    expect(rec.callflow_id).to.equal(null);
  });

  it('skips unknown and not-yet-implemented modules to `_`, and branches into another callflow and back', async () => {
    const inner = await h.callflow({ module: 'noop', data: {} }, { id: 'a'.repeat(32) });
    expect(inner).to.be.a('string');
    const number = await h.callflow({
      module: 'no_such_module',
      data: {},
      children: {
        _: {
          module: 'callflow',
          data: { id: 'a'.repeat(32) },
          children: { _: { module: 'play', data: { id: 'beep', skip_module: true }, children: { _: { module: 'answer', data: {} } } } },
        },
      },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['no_such_module', 'callflow', 'noop', 'play', 'answer']);
    expect(rec.trace[0].reason).to.match(/unknown module/);
    expect(rec.trace[1].result).to.equal('branch');
    expect(rec.trace[3].reason).to.equal('skip_module');
  });

  it('ends the walk cleanly when the caller hangs up mid-prompt', async () => {
    const number = await h.callflow({ module: 'play', data: { id: 'tt-monkeys' }, children: { _: { module: 'play', data: { id: 'beep' } } } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['play']);
    expect(rec.end).to.equal('caller_hangup');
  });
});
