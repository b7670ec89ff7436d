// record_call and record_caller on real calls: recordings of real audio kept as media documents or uploaded.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import type { SimCaller } from '../../helpers/ari-driver.ts';
import { wavDurationMs } from '../../../lib/asterisk/recording.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Upload {
  method: string;
  url: string;
  type?: string;
  body: Buffer;
}

describe('record_call and record_caller on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let server: http.Server;
  let base: string;
  const uploads: Upload[] = [];
  before(async () => {
    h = await EngineHarness.start();
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        uploads.push({ method: req.method!, url: req.url!, type: req.headers['content-type'], body: Buffer.concat(chunks) });
        res.writeHead(req.url!.startsWith('/fail') ? 500 : 201).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.close();
    await h?.stop();
  });

  async function speak(caller: SimCaller, ms: number): Promise<void> {
    const playbackId = `pb-${caller.id}`;
    await h.driver.rest('POST', `/channels/${caller.id}/play`, { media: 'sound:tt-monkeys', playbackId });
    await sleep(ms);
    await h.driver.rest('DELETE', `/playbacks/${playbackId}`).catch(() => {});
  }

  async function waitFor<T>(what: string, get: () => Promise<T | undefined | null>, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await get();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  it('record_call: records both directions until hangup, kept as a media document linked on the call record', async () => {
    const number = await h.callflow(
      { module: 'record_call', data: {}, children: { _: { module: 'play', data: { id: 'tt-monkeys' } } } },
      { name: 'sales line' },
    );
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackStarted');
    await sleep(2000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.reason ?? null])).to.deep.equal([
      ['record_call', 'recording started'],
      ['play', null],
    ]);
    const [entry] = rec.attributes.recordings as Array<{ media_id: string; label: string }>;
    expect(entry.label).to.equal('sales line');
    const media = await waitFor('media document', () => h.db.collection('media').findOne({ _id: entry.media_id as never }));
    expect(media).to.include({ media_source: 'recording', source_type: 'call_recording', origin: 'callflow : sales line', call_id: caller.peerId });
    const res = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/media/${entry.media_id}/raw`, {
      headers: { 'X-Auth-Token': await token() },
    });
    expect(res.status).to.equal(200);
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wavDurationMs(wav)).to.be.within(1500, 4000);
  });

  it('record_call: action stop ends the recording mid-call; stop without a recording just continues', async () => {
    const number = await h.callflow({
      module: 'record_call',
      data: { action: 'stop' },
      children: {
        _: {
          module: 'record_call',
          data: { action: 'start', label: 'x' },
          children: {
            _: {
              module: 'play',
              data: { id: 'beep' },
              children: { _: { module: 'record_call', data: { action: 'stop' }, children: { _: { module: 'play', data: { id: 'tt-weasels' } } } } },
            },
          },
        },
      },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-weasels');
    const rec0 = await h.db.collection('calls').findOne({ _id: caller.peerId as never });
    expect(rec0).to.equal(null); // still in the call
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.reason ?? null)).to.deep.equal(['no recording running', 'recording started', null, 'recording stopped', null]);
    const [entry] = rec.attributes.recordings as Array<{ media_id: string; end_reason: string }>;
    const media = await waitFor('media document', () => h.db.collection('media').findOne({ _id: entry.media_id as never }));
    expect(entry.end_reason).to.equal('stopped');
    expect(Number(media.length)).to.be.within(200, 3000);
  });

  it('record_call with url: uploads call_recording_<call id>.wav after hangup', async () => {
    const number = await h.callflow({ module: 'record_call', data: { url: `${base}/calls/`, method: 'post' }, children: { _: { module: 'play', data: { id: 'tt-monkeys' } } } });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackStarted');
    await sleep(1200);
    await caller.hangup();
    const up = await waitFor('upload', async () => uploads.find((u) => u.url === `/calls/call_recording_${caller.peerId}.wav`));
    expect(up.method).to.equal('POST');
    expect(up.type).to.equal('audio/wav');
    expect(wavDurationMs(up.body)).to.be.greaterThan(500);
    const rec = await h.record(caller.peerId);
    expect((rec.attributes.recordings as Array<{ media_id: string }>)[0].media_id).to.be.a('string');
  });

  it('record_caller: records the caller until a key and PUTs it to the url', async () => {
    const number = await h.callflow({ module: 'record_caller', data: { url: `${base}/msgs`, time_limit: 20 }, children: { _: { module: 'play', data: { id: 'beep' } } } });
    const caller = await h.call(number);
    await caller.waitUp();
    await sleep(300);
    await speak(caller, 1500);
    await caller.sendDtmf('5');
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.reason ?? null])).to.deep.equal([
      ['record_caller', 'uploaded'],
      ['play', null],
    ]);
    const up = uploads.find((u) => u.url === `/msgs/call_recording_${caller.peerId}.wav`);
    expect(up?.method).to.equal('PUT');
    expect(wavDurationMs(up!.body)).to.be.within(1000, 3500);
    expect(rec.attributes.record_caller).to.include({ end_reason: 'dtmf', upload_status: 201 });
  });

  it('record_caller: the caller hanging up still uploads; no url skips; a failing server is reported', async () => {
    const number = await h.callflow({ module: 'record_caller', data: { url: `${base}/fail` } });
    const caller = await h.call(number);
    await caller.waitUp();
    await speak(caller, 1000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].reason).to.equal('caller hung up; upload answered 500');
    expect(uploads.some((u) => u.url === `/fail/call_recording_${caller.peerId}.wav`)).to.equal(true);

    const skip = await h.callflow({ module: 'record_caller', data: {}, children: { _: { module: 'play', data: { id: 'beep' } } } });
    const c2 = await h.call(skip);
    await c2.waitUp();
    await c2.waitEnded();
    const rec2 = await h.record(c2.peerId);
    expect(rec2.trace[0].reason).to.equal('no url to store the recording');
  });

  let cached: string | undefined;
  async function token(): Promise<string> {
    if (cached) return cached;
    const res = await fetch(`${h.baseUrl}/v2/api_auth`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }),
    });
    cached = ((await res.json()) as { auth_token: string }).auth_token;
    return cached;
  }
});
