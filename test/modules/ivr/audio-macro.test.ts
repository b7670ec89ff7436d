// audio_macro on real calls: items in order (media, prompt, say, tone, tts), terminators, dropped items, hangup.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import type { CallflowNode } from '../../../lib/engine/module.ts';

const hangup: CallflowNode = { module: 'hangup', data: {} };

describe('audio_macro on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  type Caller = Awaited<ReturnType<EngineHarness['call']>>;
  const played = (caller: Caller) =>
    caller.events().filter((e) => e.type === 'PlaybackFinished').map((e) => [e.playback!.media_uri, e.playback!.state]);

  it('plays every kind of item in order, a tone for its own length, then continues', async () => {
    const number = await h.callflow({
      module: 'audio_macro',
      data: {
        macros: [
          { macro: 'play', id: 'beep' },
          { macro: 'say', text: '7', type: 'number' },
          { macro: 'say', text: '2-1', type: 'telephone_extension' },
          { macro: 'say', text: 'a', type: 'name_spelled' },
          { macro: 'tone', frequencies: [440, 480], duration_on: 200, duration_off: 100, repeat: 2 },
          { macro: 'prompt', id: 'menu-exit' },
          { macro: 'tts', text: 'Thank you.' },
        ],
      },
      children: { _: hangup },
    });
    const caller = await h.call(number);
    await caller.waitEnded(20_000);
    const uris = played(caller);
    expect(uris.slice(0, 6)).to.deep.equal([
      ['sound:beep', 'done'],
      ['number:7', 'done'],
      ['digits:21', 'done'],
      ['characters:a', 'done'],
      ['tone:440+480/200|0/100', 'done'],
      ['sound:vm-goodbye', 'done'],
    ]);
    expect(uris[6][0]).to.match(/^sound:\//); // the synthesised speech
    expect(uris).to.have.length(7);
    const started = caller.events().filter((e) => e.type === 'PlaybackStarted' || e.type === 'PlaybackFinished');
    const toneStart = started.find((e) => e.type === 'PlaybackStarted' && e.playback?.media_uri.startsWith('tone:'))!;
    const toneEnd = started.find((e) => e.type === 'PlaybackFinished' && e.playback?.media_uri.startsWith('tone:'))!;
    expect(toneEnd.at - toneStart.at).to.be.within(450, 2000); // (200 + 100) × 2 ms, stopped by us
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['audio_macro', '_'],
      ['hangup', 'hard_stop'],
    ]);
    expect(rec.trace[0].reason).to.equal('played 7 of 7 items');
  });

  it('a terminator key skips the remaining items and stays for the next node', async () => {
    const number = await h.callflow({
      module: 'audio_macro',
      data: { terminators: ['5'], macros: [{ macro: 'play', id: 'tt-monkeys' }, { macro: 'play', id: 'beep' }] },
      children: { _: { module: 'collect_dtmf', data: { max_digits: 1, timeout: 500 }, children: { _: hangup } } },
    });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    await caller.sendDtmf('5');
    await caller.waitEnded(6000);
    expect(played(caller).map((p) => p[0])).to.deep.equal(['sound:tt-monkeys']);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal('item 1 of 2 interrupted by 5, rest skipped');
    expect(rec.trace[1].reason).to.equal('collected "5" into default (max_digits reached)');
  });

  it('a key that is not a terminator does not stop it', async () => {
    const number = await h.callflow({
      module: 'audio_macro',
      data: { macros: [{ macro: 'play', id: 'hello-world', terminators: ['#'] }, { macro: 'play', id: 'beep' }] },
      children: { _: hangup },
    });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted', 'sound:hello-world');
    await caller.sendDtmf('1');
    await caller.waitEnded(8000);
    expect(played(caller)).to.deep.equal([
      ['sound:hello-world', 'done'],
      ['sound:beep', 'done'],
    ]);
  });

  it('drops invalid items and skips media it cannot find', async () => {
    const number = await h.callflow({
      module: 'audio_macro',
      data: { macros: [{ macro: 'play' }, { macro: 'say', text: '' }, { macro: 'play', id: 'f'.repeat(32) }, { macro: 'play', id: 'beep' }] },
      children: { _: hangup },
    });
    const caller = await h.call(number);
    await caller.waitEnded(6000);
    expect(played(caller).map((p) => p[0])).to.deep.equal(['sound:beep']);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal('played 1 of 2 items; dropped #1 play: no id; #2 say: say without text');
  });

  it('continues without answering when nothing is playable', async () => {
    const number = await h.callflow({ module: 'audio_macro', data: { macros: [{ macro: 'tone', frequencies: [] }] }, children: { _: hangup } });
    const caller = await h.call(number);
    await caller.waitEnded(6000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal('nothing to play (#1 tone: tone without frequencies)');
    expect(rec.answered_at).to.equal(null);
  });

  it('ends cleanly when the caller hangs up mid-macro', async () => {
    const number = await h.callflow({ module: 'audio_macro', data: { macros: [{ macro: 'play', id: 'tt-monkeys' }, { macro: 'play', id: 'beep' }] }, children: { _: hangup } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([['audio_macro', 'caller_hangup']]);
    expect(rec.end).to.equal('caller_hangup');
  });
});
