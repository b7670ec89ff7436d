// pivot on real calls: a real HTTP pivot server answers with Kazoo JSON or TwiML, and the caller (the
// AriDriver) hears the prompts and presses keys; the server checks what ariflow sent (digits, signature).
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { verifySignature, SECRET_FIELD } from '../../../lib/pivot/signature.ts';
import { PivotServer, json, xml } from './pivot-server.ts';

describe('pivot on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let server: PivotServer;
  before(async () => {
    h = await EngineHarness.start();
    server = await PivotServer.start();
  });
  after(async () => {
    await server?.close();
    await h?.stop();
  });

  async function accountSecret(): Promise<string> {
    const account = await h.db.collection('accounts').findOne({ _id: h.accountId as never });
    return String(account?.[SECRET_FIELD]);
  }

  it('Kazoo JSON: tts → collect_dtmf → pivot; the second request carries the digits pressed', async () => {
    const second = server.on('/kazoo/second', json({ module: 'play', data: { id: 'beep' } }));
    const first = server.on(
      '/kazoo/first',
      json({
        module: 'tts',
        data: { text: 'Enter two digits' },
        children: {
          _: {
            module: 'collect_dtmf',
            data: { max_digits: 2, collection_name: 'choice', timeout: 4000 },
            children: { _: { module: 'pivot', data: { voice_url: second, req_format: 'kazoo', method: 'post' } } },
          },
        },
      }),
    );
    const number = await h.callflow({ module: 'pivot', data: { voice_url: first, req_format: 'kazoo' } });
    const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
    const prompt = await caller.waitPlayback('PlaybackStarted');
    expect(prompt.playback?.media_uri).to.match(/^sound:.*\/tts\//);
    await caller.waitUp();
    await caller.sendDtmf('42', { betweenMs: 100 });
    await caller.waitPlayback('PlaybackStarted', 'sound:beep');
    await caller.waitEnded();

    const [r1] = server.to('/kazoo/first');
    const [r2] = server.to('/kazoo/second');
    expect(r1.method).to.equal('GET');
    const p1 = r1.params();
    expect(p1).to.include({ 'Call-ID': caller.peerId, 'Account-ID': h.accountId, 'Caller-ID-Number': '5551234', 'Caller-ID-Name': 'Alice', To: number, Request: number, 'Api-Version': '4.x', Direction: 'inbound' });
    expect(r2.method).to.equal('POST');
    expect(r2.headers['content-type']).to.equal('application/x-www-form-urlencoded');
    expect(r2.params()['Digits[choice]']).to.equal('42');
    expect(r2.params()['Call-Status']).to.equal('in-progress');

    // Both requests are signed with the account's secret (made on first use).
    const secret = await accountSecret();
    expect(secret).to.match(/^[0-9a-f]{64}$/);
    expect(verifySignature(secret, { timestamp: r1.headers['x-ariflow-timestamp'] as string, signature: r1.headers['x-ariflow-signature'] as string }, r1.query)).to.equal(true);
    expect(verifySignature(secret, { timestamp: r2.headers['x-ariflow-timestamp'] as string, signature: r2.headers['x-ariflow-signature'] as string }, r2.body)).to.equal(true);
    expect(verifySignature('0'.repeat(64), { timestamp: r2.headers['x-ariflow-timestamp'] as string, signature: r2.headers['x-ariflow-signature'] as string }, r2.body)).to.equal(false);

    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['pivot', 'replace'],
      ['tts', '_'],
      ['collect_dtmf', '_'],
      ['pivot', 'replace'],
      ['play', '_ (no child)'],
    ]);
    const exchanges = rec.attributes.pivot as Array<Record<string, unknown>>;
    expect(exchanges.map((e) => [e.seq, e.method, e.status, e.result])).to.deep.equal([
      [1, 'GET', 200, 'flow'],
      [2, 'POST', 200, 'flow'],
    ]);
    expect(exchanges[0].url).to.equal(first);
    expect(JSON.stringify(rec)).not.to.include(secret);

    // The exchanges are readable over the API, with the call.
    const auth = await fetch(`${h.baseUrl}/v2/api_auth`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }) });
    const token = ((await auth.json()) as { auth_token: string }).auth_token;
    const res = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/calls/${caller.peerId}`, { headers: { 'X-Auth-Token': token } });
    expect(res.status).to.equal(200);
    const viaApi = ((await res.json()) as { data: { attributes: { pivot: Array<Record<string, unknown>> } } }).data.attributes.pivot;
    expect(viaApi.map((e) => [e.seq, e.status, e.result, e.latency_ms !== undefined])).to.deep.equal([
      [1, 200, 'flow', true],
      [2, 200, 'flow', true],
    ]);
  });

  it('TwiML: Gather with a nested Say, then the action request carries Digits and its Say is heard', async () => {
    server.on('/twiml/next', xml('<Response><Say>You pressed one</Say></Response>'));
    const first = server.on(
      '/twiml/first',
      xml('<?xml version="1.0"?><Response><Gather action="/twiml/next" numDigits="1" timeout="4"><Say voice="alice">Press one</Say></Gather><Say>We did not get that</Say></Response>'),
    );
    const number = await h.callflow({ module: 'pivot', data: { voice_url: first, method: 'post', debug: true } });
    const caller = await h.call(number, { callerId: '"Bob" <5550000>' });
    await caller.waitPlayback('PlaybackStarted');
    await caller.sendDtmf('1');
    const next = await server.waitRequest('/twiml/next');
    expect(next.method).to.equal('POST');
    expect(next.params()).to.include({ Digits: '1', CallSid: caller.peerId, AccountSid: h.accountId, From: '5550000', CallerName: 'Bob', ApiVersion: '2010-04-01', CallStatus: 'in-progress' });
    const p1 = server.to('/twiml/first')[0].params();
    expect(p1.Digits).to.equal(undefined);
    await caller.waitFor('PlaybackFinished', (e) => e.playback?.target_uri === `channel:${caller.peerId}` && e.playback.media_uri !== undefined, 8000);
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([['pivot', 'stop']]);
    const exchanges = rec.attributes.pivot as Array<Record<string, any>>;
    expect(exchanges).to.have.length(2);
    expect(exchanges[0].twiml).to.deep.equal(['Say (interrupted by 1)', 'Gather: 1 digit(s) (max_digits)']);
    expect(exchanges[1].twiml).to.deep.equal(['Say "You pressed one"']);
    // debug: bodies are kept.
    expect(exchanges[0].response_body).to.include('<Gather');
    expect(exchanges[1].request_body).to.include('Digits=1');
  });

  it('TwiML: Gather without input falls through to the next verb; Play, Pause and Hangup run in order', async () => {
    const first = server.on(
      '/twiml/noinput',
      xml('<Response><Gather timeout="1" numDigits="1"><Play>beep</Play></Gather><Pause length="1"/><Play>beep</Play><Hangup/><Say>never</Say></Response>'),
    );
    const number = await h.callflow({ module: 'pivot', data: { voice_url: first }, children: { _: { module: 'play', data: { id: 'tt-weasels' } } } });
    const caller = await h.call(number);
    await caller.waitEnded(10_000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([['pivot', 'hard_stop']]);
    expect((rec.attributes.pivot as Array<Record<string, any>>)[0].twiml).to.deep.equal(['Play beep', 'Gather: no input', 'Pause 1s', 'Play beep', 'Hangup']);
    expect(caller.events().filter((e) => e.type === 'PlaybackStarted').map((e) => e.playback?.media_uri)).to.deep.equal(['sound:beep', 'sound:beep']);
  });

  it('TwiML: Redirect asks again (GET as told); Reject ends the call busy', async () => {
    server.on('/twiml/rejected', xml('<Response><Reject reason="busy"/></Response>'));
    const first = server.on('/twiml/redirect', xml('<Response><Redirect method="GET">rejected?x=1</Redirect></Response>'));
    const number = await h.callflow({ module: 'pivot', data: { voice_url: first } });
    const caller = await h.call(number);
    const ended = await caller.waitEnded();
    const r = await server.waitRequest('/twiml/rejected');
    expect(r.method).to.equal('GET');
    expect(r.query.startsWith('x=1&CallSid=')).to.equal(true);
    expect(ended.cause).to.equal(17);
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].result).to.equal('hard_stop');
    expect(rec.hangup_cause).to.equal('USER_BUSY');
    expect(rec.answered_at).to.equal(null);
  });

  it('TwiML: Record stores the recording as a media document and hands its URL to the action', async () => {
    server.on('/twiml/recorded', xml('<Response><Play>beep</Play></Response>'));
    const first = server.on('/twiml/record', xml('<Response><Record action="/twiml/recorded" maxLength="5" timeout="0" playBeep="true" finishOnKey="#"/></Response>'));
    const number = await h.callflow({ module: 'pivot', data: { voice_url: first } });
    const caller = await h.call(number);
    await caller.waitUp();
    // The caller talks (a prompt played into its leg), then ends the recording with #.
    const talk = await h.driver.rest('POST', `/channels/${caller.id}/play`, { media: 'sound:tt-monkeys' });
    // Asterisk's own beep starts the recording (not a playback the driver sees): leave it ~1.5 s.
    await new Promise((r) => setTimeout(r, 1500));
    // A channel's DTMF waits behind its playback: stop talking first.
    await h.driver.rest('DELETE', `/playbacks/${talk.id}`).catch(() => {});
    await caller.sendDtmf('#');
    const done = await server.waitRequest('/twiml/recorded');
    const p = done.params();
    expect(p.RecordingSid).to.match(/^[0-9a-f]{32}$/);
    expect(p.RecordingUrl).to.equal(`/v2/accounts/${h.accountId}/media/${p.RecordingSid}/raw`);
    expect(Number(p.RecordingDuration)).to.be.within(1, 3);
    expect(p.Digits).to.equal('#');
    const media = await h.db.collection('media').findOne({ _id: p.RecordingSid as never });
    expect(media).to.include({ account_id: h.accountId, media_source: 'recording', call_id: caller.peerId });
    await caller.waitPlayback('PlaybackStarted', 'sound:beep');
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect((rec.attributes.pivot as Array<Record<string, any>>)[0].twiml[0]).to.match(/^Record: \ds \(dtmf\)$/);
  });

  it('plays the filler while a slow server thinks and stops it the moment the answer arrives', async () => {
    const slow = server.on('/slow', (_req, res) => {
      const t = setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ module: 'play', data: { id: 'beep' } })), 900);
      res.on('close', () => clearTimeout(t));
    });
    const number = await h.callflow({ module: 'pivot', data: { voice_url: slow, req_format: 'kazoo', filler: { media: 'tt-monkeys', delay_ms: 100 } } });
    const caller = await h.call(number);
    const filler = await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    const stopped = await caller.waitPlayback('PlaybackFinished', 'sound:tt-monkeys', 5000);
    const beep = await caller.waitPlayback('PlaybackStarted', 'sound:beep');
    expect(stopped.at - filler.at).to.be.within(500, 1500);
    expect(beep.at).to.be.at.least(stopped.at);
    await caller.waitEnded();
  });

  it('a TTS filler works the same way', async () => {
    const slow = server.on('/slow2', (_req, res) => {
      const t = setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ module: 'play', data: { id: 'beep' } })), 1500);
      res.on('close', () => clearTimeout(t));
    });
    const number = await h.callflow({ module: 'pivot', data: { voice_url: slow, req_format: 'kazoo', filler: { text: 'Please hold while we look that up', delay_ms: 0 } } });
    const caller = await h.call(number);
    const filler = await caller.waitPlayback('PlaybackStarted');
    expect(filler.playback?.media_uri).to.match(/^sound:.*\/tts\//);
    await caller.waitPlayback('PlaybackStarted', 'sound:beep', 5000);
    await caller.waitEnded();
  });

  it('cdr_url: the call summary is POSTed there, signed, once the call has ended', async () => {
    const cdr = server.on('/cdr', (_req, res) => res.writeHead(204).end());
    const first = server.on('/cdr/flow', json({ module: 'play', data: { id: 'beep' } }));
    const number = await h.callflow({ module: 'pivot', data: { voice_url: first, req_format: 'twiml', cdr_url: cdr } });
    const caller = await h.call(number, { callerId: '"Carol" <5557777>' });
    await caller.waitEnded();
    const r = await server.waitRequest('/cdr');
    expect(r.method).to.equal('POST');
    expect(r.params()).to.include({ CallSid: caller.peerId, CallStatus: 'completed', From: '5557777', HangupCause: 'NORMAL_CLEARING' });
    expect(Number(r.params().CallDuration)).to.be.at.least(0);
    expect(verifySignature(await accountSecret(), { timestamp: r.headers['x-ariflow-timestamp'] as string, signature: r.headers['x-ariflow-signature'] as string }, r.body)).to.equal(true);
  });

  it('a caller who hangs up mid-request aborts the request; nothing is left behind', async () => {
    const hang = server.on('/hang', () => {});
    const number = await h.callflow({ module: 'pivot', data: { voice_url: hang, req_timeout_ms: 5000 } });
    const caller = await h.call(number);
    const req = await server.waitRequest('/hang');
    await caller.hangup();
    await Promise.race([req.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('request not aborted')), 1000))]);
    expect(req.abortedAt).to.be.a('number');
    const rec = await h.record(caller.peerId);
    expect(rec.end).to.equal('caller_hangup');
  });
});
