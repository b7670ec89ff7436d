// TwiML <Dial> on real calls, SIPp playing the far end: <Sip> rings the URI (callerId in From) and the
// action request gets DialCallStatus=completed once the callee hangs up; <Number> goes out through the
// account's carrier (busy → DialCallStatus=busy); no answer within `timeout` without an action runs the
// next verb; a <Sip> URI that is not one is refused before anything plays.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { stackToolAvailable } from '../../helpers/sip-phone.ts';
import { SippPool } from '../../helpers/sipp.ts';
import { apiFor, carrier, type Api } from '../carriers/helpers.ts';
import { PivotServer, xml } from './pivot-server.ts';

describe('pivot: TwiML <Dial> (SIPp as the far end)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let api: Api;
  let server: PivotServer;
  const sipps = new SippPool();

  before(async function () {
    if (!stackToolAvailable('sipp')) this.skip();
    h = await EngineHarness.start();
    api = await apiFor(h);
    server = await PivotServer.start();
  });
  afterEach(async () => {
    await sipps.stopAll();
  });
  after(async () => {
    await server?.close();
    await h?.stop();
  });

  const pivotTo = (url: string) => h.callflow({ module: 'pivot', data: { voice_url: url, req_format: 'twiml' }, children: { _: { module: 'play', data: { id: 'beep' } } } });

  it('<Sip>: rings the URI with callerId; the action request carries DialCallStatus=completed', async () => {
    const far = await sipps.start('answer-hangup');
    const done = server.on('/dial/done', xml('<Response><Play>beep</Play></Response>'));
    const url = server.on('/dial/sip', xml(`<Response><Dial action="${done}" method="POST" timeout="10" callerId="+15550001"><Sip>sip:bob@127.0.0.1:${far.port}</Sip></Dial><Say>never</Say></Response>`));
    const caller = await h.call(await pivotTo(url));
    const invite = await far.waitInvite(8000);
    expect(invite.user).to.equal('bob');
    expect(invite.headers.from).to.contain('+15550001');
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await caller.hangup();
    const req = server.to('/dial/done')[0];
    expect(req.params()).to.include({ DialCallStatus: 'completed' });
    expect(Number(req.params().DialCallDuration)).to.be.at.least(1);
    const rec = await h.record(caller.peerId);
    const exchanges = rec.attributes.pivot as Array<{ twiml?: string[] }>;
    expect(exchanges[0].twiml?.[0]).to.match(/^Dial: sip0:sip:bob@.* answered$/);
  });

  it('<Conference>: two callers of the same name share one bridge until they hang up', async () => {
    const done = server.on('/dial/conf-done', xml('<Response><Hangup/></Response>'));
    const url = server.on('/dial/conf', xml(`<Response><Dial action="${done}"><Conference>standup</Conference></Dial></Response>`));
    const number = await pivotTo(url);
    const a = await h.call(number);
    const b = await h.call(number);
    await a.waitUp();
    await b.waitUp();
    let shared: { id: string; channels: string[] } | undefined;
    const deadline = Date.now() + 8000;
    while (!shared && Date.now() < deadline) {
      const bridges = await h.driver.rest<{ id: string; channels: string[] }[]>('GET', '/bridges');
      shared = bridges.find((br) => br.channels.includes(a.peerId) && br.channels.includes(b.peerId));
      if (!shared) await new Promise((r) => setTimeout(r, 100));
    }
    expect(shared, 'one bridge holding both callers').to.not.equal(undefined);
    await a.hangup();
    await b.hangup();
    const rec = await h.record(a.peerId);
    const exchanges = rec.attributes.pivot as Array<{ twiml?: string[] }>;
    expect(exchanges[0].twiml?.[0]).to.match(/^Dial: joined conference standup/);
    // The caller left by hanging up: no action request follows a call that is gone.
    expect(server.to('/dial/conf-done')).to.have.length(0);
  });

  it('<Number> through the account\'s carrier: busy → DialCallStatus=busy', async () => {
    const far = await sipps.start('busy');
    const id = await carrier(h, api, far.port);
    try {
      const done = server.on('/dial/busy', xml('<Response><Hangup/></Response>'));
      const url = server.on('/dial/number', xml(`<Response><Dial action="${done}"><Number>+1 (415) 555-0150</Number></Dial></Response>`));
      const caller = await h.call(await pivotTo(url));
      await caller.waitEnded(10_000);
      expect((await far.waitInvite()).user).to.equal('+14155550150');
      expect(server.to('/dial/busy')[0].params()).to.include({ DialCallStatus: 'busy', DialCallDuration: '0' });
    } finally {
      await api('DELETE', `/resources/${id}`);
    }
  });

  it('no answer within timeout and no action: the next verb runs', async () => {
    const far = await sipps.start('noanswer');
    const url = server.on('/dial/noanswer', xml(`<Response><Dial timeout="2"><Sip>sip:carol@127.0.0.1:${far.port}</Sip></Dial><Play>beep</Play></Response>`));
    const caller = await h.call(await pivotTo(url));
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await far.waitFor('CANCEL');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect((rec.attributes.pivot as Array<{ twiml?: string[] }>)[0].twiml).to.deep.equal(['Dial: no-answer (NO_ANSWER)', 'Play beep']);
  });

  it('a <Sip> that is not a SIP URI is refused before anything plays (`_`)', async () => {
    const url = server.on('/dial/bad', xml('<Response><Say>before</Say><Dial><Sip>sip:bob@host;x=1?Header=evil</Sip></Dial></Response>'));
    const caller = await h.call(await pivotTo(url));
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0]).to.include({ module: 'pivot', result: '_' });
    expect(caller.events().filter((e) => e.type === 'PlaybackStarted').map((e) => e.playback?.media_uri)).to.deep.equal(['sound:beep']);
  });
});
