// Kazoo tone_stream references become finite WAV files that Asterisk plays to the end.
import { expect } from 'chai';
import { parseToneStream, renderTone } from '../../lib/media/tones.ts';
import { EngineHarness } from '../helpers/engine-harness.ts';

describe('tone streams', function () {
  this.timeout(30_000);

  it('parses TGML segments and renders their exact length', () => {
    const segs = parseToneStream('tone_stream://%(250,250,480,620);%(100,0,1000)');
    expect(segs).to.deep.equal([
      { onMs: 250, offMs: 250, frequencies: [480, 620] },
      { onMs: 100, offMs: 0, frequencies: [1000] },
    ]);
    const wav = renderTone(segs);
    expect((wav.length - 44) / 2).to.equal(0.6 * 8000);
    expect(wav.readInt16LE(44 + 2 * 10)).to.not.equal(0); // tone
    expect(wav.readInt16LE(44 + 2 * 3000)).to.equal(0); // the off part is silence
    expect(parseToneStream('tone_stream://garbage')).to.deep.equal([]);
  });

  it('plays a tone_stream on a real call and then continues', async () => {
    const h = await EngineHarness.start();
    try {
      const number = await h.callflow({ module: 'play', data: { id: 'tone_stream://%(200,100,440)' }, children: { _: { module: 'hangup', data: {} } } });
      const caller = await h.call(number);
      const done = await caller.waitPlayback('PlaybackFinished');
      expect(done.playback?.state).to.equal('done');
      expect(done.playback?.media_uri).to.match(/^sound:.*\/tones\//);
      await caller.waitEnded();
      expect((await h.record(caller.peerId)).trace.map((s) => s.result)).to.deep.equal(['_', 'hard_stop']);
    } finally {
      await h.stop();
    }
  });
});
