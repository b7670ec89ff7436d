// Call-tracking routing on real calls: responsive_route (first-time vs repeat caller, a pool number
// during a visitor session routed by its campaign), tracking numbers' attribution, zip_route, tag and
// tag_route (tags from a step, from the number and from the API on a live call), and the stats of it all.
import { expect } from 'chai';
import type { CallflowNode } from '../../lib/engine/module.ts';
import { apiClient, type ApiClient } from '../helpers/api-client.ts';
import { EngineHarness } from '../helpers/engine-harness.ts';

describe('call tracking on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let client: ApiClient;
  const beep = (then?: CallflowNode): CallflowNode => ({ module: 'play', data: { id: 'beep' }, ...(then ? { children: { _: then } } : {}) });

  const api = (method: string, p: string, data?: unknown) => client.api(method, p, data);
  const ok = (method: string, p: string, data?: unknown) => client.ok(method, p, data);
  /** A callflow created over the API (so tracking numbers can be attached to it). */
  const callflow = async (number: string, flow: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    (await ok('PUT', '/callflows', { name: `cf ${number}`, numbers: [number], flow, ...extra })).id as string;
  const until = async <T>(fn: () => Promise<T | undefined>, what: string, ms = 5000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    h = await EngineHarness.start();
    client = await apiClient(h);
  });
  after(async () => h?.stop());

  it('routes a repeat caller to a different branch from a first-time caller', async () => {
    const number = await h.callflow({
      module: 'responsive_route',
      data: {
        branches: [
          { key: 'repeat', criteria: [{ type: 'repeat_caller' }] },
          { key: 'first', criteria: [{ type: 'first_time_caller' }] },
        ],
      },
      children: { repeat: beep(), first: beep() },
    });
    const results: string[] = [];
    for (const callerId of ['"Ann" <5127770001>', '"Ann" <5127770001>', '"Bob" <5127770002>']) {
      const caller = await h.call(number, { callerId });
      await caller.waitEnded();
      const rec = await h.record(caller.peerId);
      expect(rec.trace[1].module).to.equal('play');
      results.push(rec.trace[0].result);
    }
    expect(results).to.deep.equal(['first', 'repeat', 'first']);
  });

  it("routes a call to a pool number during a visitor session by that session's campaign", async () => {
    const flowId = await callflow('+15125550001', {
      module: 'responsive_route',
      data: {
        branches: [
          { key: 'spring', criteria: [{ type: 'campaign', value: 'spring-sale' }, { type: 'landing_param', param: 'utm_source', value: 'google' }] },
          { key: 'google', criteria: [{ type: 'source', value: 'google' }] },
        ],
      },
      children: { spring: beep(), google: beep(), _: beep() },
    });
    const pool = await ok('PUT', '/number_pools', { name: 'website', numbers: ['+15125550011', '+15125550012', '+15125550013'], callflow_id: flowId, session_ttl_s: 600 });
    expect((await ok('GET', `/callflows/${flowId}`)).numbers).to.include.members(['+15125550011', '+15125550012', '+15125550013']);

    const spring = await ok('PUT', '/visitor_sessions', {
      pool_id: pool.id,
      source: 'google',
      keyword: 'plumber',
      campaign: 'spring-sale',
      referrer: 'https://www.google.com/',
      landing_page: 'https://example.com/offer?utm_source=google&utm_campaign=spring-sale',
    });
    const fall = await ok('PUT', '/visitor_sessions', { pool_id: pool.id, source: 'google', campaign: 'fall' });
    expect(spring.number).to.not.equal(fall.number);
    expect(spring.landing_params).to.deep.equal({ utm_source: 'google', utm_campaign: 'spring-sale' });
    const free = ['+15125550011', '+15125550012', '+15125550013'].find((n) => n !== spring.number && n !== fall.number)!;

    const routed: Record<string, { result: string; attribution: any }> = {};
    for (const [name, n] of [['spring', spring.number], ['fall', fall.number], ['free', free]] as const) {
      const caller = await h.call(n, { callerId: '"Web" <5127770100>' });
      await caller.waitEnded();
      const rec = await h.record(caller.peerId);
      routed[name] = { result: rec.trace[0].result, attribution: rec.attributes.attribution };
    }
    expect(routed.spring.result).to.equal('spring');
    expect(routed.spring.attribution).to.deep.include({ kind: 'visitor_session', session_id: spring.id, campaign: 'spring-sale', keyword: 'plumber', number: spring.number });
    expect(routed.fall.result).to.equal('google');
    expect(routed.free.result).to.equal('_');
    expect(routed.free.attribution).to.deep.equal({ kind: 'pool', number: free, pool_id: pool.id });
    // The session lists its calls.
    expect((await ok('GET', `/visitor_sessions/${spring.id}`)).calls).to.have.length(1);

    const stats = await ok('GET', `/callflows/${flowId}/stats`);
    expect(stats).to.include({ total: 3, answered: 0, missed: 3, qualified: null });
    expect(stats.sources.map((s: any) => [s.source, s.total])).to.deep.equal([['google', 2], [null, 1]]);
    const root = stats.nodes.find((n: any) => n.path === 'flow');
    expect(root).to.deep.include({ module: 'responsive_route', hits: 3, outcomes: { spring: 1, google: 1, _: 1 } });
    expect(stats.nodes.find((n: any) => n.path === 'flow.children.spring')).to.deep.include({ module: 'play', hits: 1 });
  });

  it('puts a tracking number’s source, campaign and tags on the call, and tag_route routes on them and the area code', async () => {
    const flowId = await callflow('+15125550020', {
      module: 'tag_route',
      data: {
        rules: [
          { key: 'austin_billboard', tags: ['outdoor'], criteria: [{ type: 'source', value: 'billboard' }, { type: 'area_code', value: '512' }] },
          { key: 'outdoor', any_tags: ['outdoor', 'radio'] },
        ],
      },
      children: { austin_billboard: beep(), outdoor: beep() },
    });
    await ok('PUT', '/tracking_numbers', { number: '+15125550021', callflow_id: flowId, source: 'billboard', campaign: 'I-35', medium: 'offline', tags: ['outdoor'] });
    const austin = await h.call('+15125550021', { callerId: '"A" <+15125550199>' });
    await austin.waitEnded();
    const rec = await h.record(austin.peerId);
    expect(rec.trace[0].result).to.equal('austin_billboard');
    expect(rec.attributes.attribution).to.deep.include({ kind: 'tracking_number', source: 'billboard', campaign: 'I-35', medium: 'offline', number: '+15125550021' });
    expect(rec.attributes.tags).to.deep.equal(['outdoor']);
    const dallas = await h.call('+15125550021', { callerId: '"D" <+12145550199>' });
    await dallas.waitEnded();
    expect((await h.record(dallas.peerId)).trace[0].result).to.equal('outdoor');
    // The callflow's own number carries no attribution: `_` (no child) ends the call.
    const direct = await h.call('+15125550020', { callerId: '"A" <+15125550199>' });
    await direct.waitEnded();
    const plain = await h.record(direct.peerId);
    expect(plain.trace.map((s) => s.result)).to.deep.equal(['_ (no child)']);
    expect(plain.attributes.attribution).to.equal(undefined);
  });

  it('zip_route: keeps the ZIP for later steps (tag, tag_route on the ZIP)', async () => {
    const number = await h.callflow({
      module: 'zip_route',
      data: { media_id: 'beep', invalid_media_id: 'beep', rules: [{ key: 'tx', ranges: ['75000-79999'] }, { key: 'ny', zips: ['10001'] }] },
      children: {
        tx: {
          module: 'tag',
          data: { tags: ['texas'] },
          children: { _: { module: 'tag_route', data: { rules: [{ key: 'austin', tags: ['texas'], criteria: [{ type: 'zip', value: '787', match: 'prefix' }] }] }, children: { austin: beep() } } },
        },
        ny: beep(),
      },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackFinished');
    await caller.sendDtmf('78701');
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['zip_route', 'tx'],
      ['tag', '_'],
      ['tag_route', 'austin'],
      ['play', '_ (no child)'],
    ]);
    expect(rec.attributes.zip).to.equal('78701');
    expect(rec.attributes.tags).to.deep.equal(['texas']);
  });

  it('zip_route: retries after invalid input, and a ZIP no rule covers takes `_`', async () => {
    const number = await h.callflow({
      module: 'zip_route',
      data: { media_id: 'beep', invalid_media_id: 'silence/1', interdigit_timeout: 1000, rules: [{ key: 'ny', zips: ['10001'] }] },
      children: { ny: beep(), _: { module: 'tag', data: { tags: ['out_of_area'] } } },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.sendDtmf('123#');
    await caller.waitPlayback('PlaybackFinished', 'sound:silence/1');
    // The prompt again (second try): its beep finishes a second time.
    await until(async () => (caller.events().filter((e) => e.type === 'PlaybackFinished' && e.playback?.media_uri === 'sound:beep').length >= 2 ? true : undefined), 'the second prompt');
    await caller.sendDtmf('90210');
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].result).to.equal('_');
    expect(rec.trace[0].reason).to.equal('zip 90210: no rule');
    expect(rec.attributes.zip).to.equal('90210');
    expect(rec.attributes.tags).to.deep.equal(['out_of_area']);
  });

  it('zip_route: no input after the last try takes `max_retries`; a caller hanging up mid-prompt ends the walk', async () => {
    const number = await h.callflow({
      module: 'zip_route',
      data: { media_id: 'beep', invalid_media_id: 'beep', retries: 2, timeout: 1000, rules: [] },
      children: { max_retries: { module: 'tag', data: { tags: ['no_zip'] } } },
    });
    const caller = await h.call(number);
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].result).to.equal('max_retries');
    expect(rec.trace[0].reason).to.match(/no valid zip after 2 tries/);
    expect(rec.attributes.zip).to.equal(undefined);
    expect(rec.attributes.tags).to.deep.equal(['no_zip']);

    const long = await h.callflow({ module: 'zip_route', data: { media_id: 'tt-monkeys' }, children: { _: beep() } });
    const quitter = await h.call(long);
    await quitter.waitPlayback('PlaybackStarted');
    await quitter.hangup();
    const gone = await h.record(quitter.peerId);
    expect(gone.trace.map((s) => s.module)).to.deep.equal(['zip_route']);
    expect(gone.end).to.equal('caller_hangup');
  });

  it('tags a live call over the API; tag_route sees the tag; an ended call’s record can be tagged too', async () => {
    const number = await h.callflow({
      module: 'play',
      data: { id: 'silence/2' },
      children: { _: { module: 'tag_route', data: { rules: [{ key: 'hot', tags: ['hot_lead'] }] }, children: { hot: beep() } } },
    });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted');
    const tagged = await ok('POST', `/calls/${caller.peerId}/tags`, { tags: ['hot_lead'] });
    expect(tagged).to.deep.equal({ id: caller.peerId, live: true, tags: ['hot_lead'] });
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.result)).to.deep.equal(['_', 'hot', '_ (no child)']);
    const later = await ok('POST', `/calls/${caller.peerId}/tags`, { tags: ['sale'], remove: ['hot_lead'] });
    expect(later).to.deep.equal({ id: caller.peerId, live: false, tags: ['sale'] });
    expect((await h.record(caller.peerId)).attributes.tags).to.deep.equal(['sale']);
    expect((await api('POST', '/calls/nosuchcall/tags', { tags: ['x'] })).status).to.equal(404);
    const bad = await api('POST', `/calls/${caller.peerId}/tags`, { tags: 'x' });
    expect(bad.status).to.equal(400);
    expect(bad.body.data).to.have.property('tags');
  });

  it('record_calls on a callflow records every call', async () => {
    const number = '+15125550030';
    await callflow(number, { module: 'answer', data: {}, children: { _: { module: 'play', data: { id: 'silence/1' } } } }, { record_calls: true });
    const caller = await h.call(number);
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    const recordings = rec.attributes.recordings as Array<{ media_id: string }>;
    expect(recordings).to.have.length(1);
    const media = await until(async () => (await h.db.collection('media').findOne({ _id: recordings[0].media_id as never })) ?? undefined, 'the recording media');
    expect(media.source_type).to.equal('call_recording');
  });
});
