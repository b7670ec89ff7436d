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
});
