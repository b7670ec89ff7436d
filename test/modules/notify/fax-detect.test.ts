// fax_detect on real calls: a caller sending CNG (1100 Hz, 0.5 s on / 3 s off, played from the caller
// leg) takes ON_FAX; silence or speech takes ON_VOICE when `duration` runs out (falling back to `_`);
// a caller hanging up mid-detection ends the walk.
//
// The detector (Asterisk's TONE_DETECT) reads audio as 8 kHz. The test driver's Local channels default
// to slin192, so these calls are originated with `formats=ulaw`, like a SIP call; one test shows what a
// wideband call gets (ON_VOICE, with the caveat in the trace).
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { EngineHarness } from '../../helpers/engine-harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fax_detect on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  const placed: string[] = [];
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => {
    await Promise.allSettled(placed.map((id) => h.driver.rest('DELETE', `/channels/${id}`)));
    await h?.stop();
  });

  /** A narrowband (ulaw) call into ariflow; resolves once ariflow answered it. */
  async function ulawCall(number: string): Promise<{ id: string; peerId: string }> {
    const id = randomUUID();
    const peerId = randomUUID();
    placed.push(id);
    await h.driver.rest(
      'POST',
      '/channels',
      { endpoint: `Local/${number}@inbound`, app: h.driver.app, channelId: id, otherChannelId: peerId, timeout: 30, formats: 'ulaw', callerId: '"Fax" <5559999>' },
      { variables: { __ARIFLOW_APP: h.app.config.ariApp } },
    );
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(50)) {
      const ch = await h.driver.rest<{ state: string }>('GET', `/channels/${id}`).catch(() => undefined);
      if (ch?.state === 'Up') return { id, peerId };
    }
    throw new Error('ariflow did not answer');
  }

  const branches = {
    ON_FAX: { module: 'play', data: { id: 'beep' } },
    ON_VOICE: { module: 'noop', data: {} },
  };

  it('a caller sending CNG takes ON_FAX, well before `duration` runs out', async () => {
    const number = await h.callflow({ module: 'fax_detect', data: { duration: 8 }, children: branches });
    const call = await ulawCall(number);
    await h.driver.rest('POST', `/channels/${call.id}/play`, {}, { media: ['tone:1100/500,0/3000'] });
    const rec = await h.record(call.peerId, 15_000);
    const step = rec.trace[0];
    expect(step.module).to.equal('fax_detect');
    expect(step.result).to.equal('ON_FAX');
    expect(step.reason).to.equal('fax tone detected');
    expect(step.durationMs).to.be.below(4000);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['fax_detect', 'play']);
    expect(rec.answered_at).to.be.instanceOf(Date);
  });

  it('a silent caller takes ON_VOICE after `duration`', async () => {
    const number = await h.callflow({ module: 'fax_detect', data: { duration: 2 }, children: branches });
    const call = await ulawCall(number);
    const rec = await h.record(call.peerId, 15_000);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['fax_detect', 'ON_VOICE'],
      ['noop', '_ (no child)'],
    ]);
    expect(rec.trace[0].reason).to.equal('no fax tone in 2 s');
    expect(rec.trace[0].durationMs).to.be.within(1800, 5000);
  });

  it('speech is not a fax tone; without an ON_VOICE child the flow falls back to `_`', async () => {
    const number = await h.callflow({
      module: 'fax_detect',
      data: { duration: '2' },
      children: { ON_FAX: branches.ON_FAX, _: { module: 'noop', data: {} } },
    });
    const call = await ulawCall(number);
    await h.driver.rest('POST', `/channels/${call.id}/play`, {}, { media: ['sound:tt-monkeys'] });
    const rec = await h.record(call.peerId, 15_000);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['fax_detect', '_'],
      ['noop', '_ (no child)'],
    ]);
    expect(rec.trace[0].reason).to.equal('no fax tone in 2 s');
  });

  it('on a wideband call the trace says detection cannot be trusted', async () => {
    const number = await h.callflow({ module: 'fax_detect', data: { duration: 1 }, children: branches });
    const caller = await h.call(number); // the driver's Local channel: slin192
    await caller.waitUp();
    await h.driver.rest('POST', `/channels/${caller.id}/play`, {}, { media: ['tone:1100/500,0/3000'] });
    const rec = await h.record(caller.peerId, 15_000);
    expect(rec.trace[0].result).to.equal('ON_VOICE');
    expect(rec.trace[0].reason).to.equal('no fax tone in 1 s (tone detection needs 8 kHz audio, the channel reads slin192)');
  });

  it('the caller hanging up mid-detection ends the walk at once', async () => {
    const number = await h.callflow({ module: 'fax_detect', data: { duration: 20 }, children: branches });
    const call = await ulawCall(number);
    await sleep(500);
    await h.driver.rest('DELETE', `/channels/${call.id}`);
    const rec = await h.record(call.peerId, 5000);
    expect(rec.end).to.equal('caller_hangup');
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([['fax_detect', 'caller_hangup']]);
    expect(rec.trace[0].durationMs).to.be.below(5000);
  });
});
