// examples/ is what `npm start` loads: every bundle imports through the API without an error, and its
// callflows work on real calls.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { EngineHarness } from './helpers/engine-harness.ts';

describe('examples', function () {
  this.timeout(60_000);
  let h: EngineHarness;
  let token: string;
  before(async () => {
    h = await EngineHarness.start();
    const auth = await fetch(`${h.baseUrl}/v2/api_auth`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }),
    });
    token = ((await auth.json()) as { auth_token: string }).auth_token;
  });
  after(async () => h?.stop());

  it('imports every bundle with no error', async () => {
    const dir = new URL('../examples/', import.meta.url);
    const bundles = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(bundles).to.not.be.empty;
    for (const file of bundles) {
      const res = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/import`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-auth-token': token },
        body: readFileSync(new URL(file, dir), 'utf8'),
      });
      const body = (await res.json()) as { data: unknown };
      expect(res.status, `${file}: ${JSON.stringify(body.data)}`).to.be.oneOf([200, 201]);
      expect((body.data as { summary: { failed: number } }).summary.failed, JSON.stringify(body.data)).to.equal(0);
    }
    h.app.routes.invalidate(h.accountId);
  });

  it('"Hello world" (999) speaks and plays its prompt to the end', async () => {
    const caller = await h.call('999');
    await caller.waitUp();
    const first = await caller.waitPlayback('PlaybackFinished');
    expect(first.playback?.media_uri).to.match(/\/tts\//);
    const second = await caller.waitPlayback('PlaybackFinished', 'sound:hello-world');
    expect(second.playback?.state).to.equal('done');
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['answer', 'tts', 'play', 'hangup']);
  });

  it('the IVR (200): pressing 2 reaches the monkeys', async () => {
    const caller = await h.call('200');
    await caller.waitUp();
    await caller.waitPlayback('PlaybackStarted');
    await caller.sendDtmf('2');
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'menu', result: '2' });
    expect(rec.trace[1].module).to.equal('play');
  });

  /** Waits until the caller has heard a playback whose media matches `pattern`. */
  async function heard(caller: Awaited<ReturnType<typeof h.call>>, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!caller.events().some((e) => e.type === 'PlaybackStarted' && pattern.test(e.playback?.media_uri ?? ''))) {
      if (Date.now() > deadline) throw new Error(`no playback matching ${pattern} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('the steps tracking line (400): greeting, then the unregistered demo phones fall through to voicemail', async () => {
    const caller = await h.call('400', { callerId: '"Prospect" <+15550001111>' });
    await caller.waitUp();
    // The demo phones are not registered here: the multi-ring step has nobody to ring and falls through.
    await heard(caller, /vm-/);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.module).slice(0, 3)).to.deep.equal(['tts', 'dial', 'voicemail']);
    expect(rec.trace[1].result).to.equal('_');
  });

  it('the responsive tracking line (401): a first-time caller is asked for a ZIP and routed by it', async () => {
    const caller = await h.call('401', { callerId: '"New" <+15550002222>' });
    await caller.waitUp();
    await caller.waitPlayback('PlaybackFinished');
    await caller.sendDtmf('10001');
    await heard(caller, /vm-/);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'responsive_route', result: '_' });
    expect(rec.trace[1]).to.include({ module: 'zip_route', result: 'east' });
    expect(rec.trace[2]).to.include({ module: 'device', result: '_' });
    expect(rec.attributes.zip).to.equal('10001');
  });
});
