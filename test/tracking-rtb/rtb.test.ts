// The `rtb` module on real calls: real local buyer servers are pinged, the best valid bid wins, its post is
// signed, and the call is connected to the winner's destination (a number that loops back into ariflow,
// or the operator's Local/<behaviour>@sim override); no valid bid, refused posts and failed connections → `_`.
import { expect } from 'chai';
import type { RtbRecord } from '../../callflows/rtb.ts';
import { accountPivotSecret, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../lib/pivot/signature.ts';
import { accountData } from '../../lib/engine/account-data.ts';
import { EngineHarness } from '../helpers/engine-harness.ts';
import { steps, until } from '../modules/ringing/helpers.ts';
import { BuyerServer, type Received } from './buyer-server.ts';

const beep = { module: 'play', data: { id: 'beep' } };

describe('rtb module on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let secret: string;
  const servers: BuyerServer[] = [];
  const buyer = async (script: Parameters<typeof BuyerServer.start>[0]) => {
    const s = await BuyerServer.start(script);
    servers.push(s);
    return s;
  };
  const signed = (r: Received) =>
    verifySignature(secret, { timestamp: r.headers[TIMESTAMP_HEADER.toLowerCase()] as string, signature: r.headers[SIGNATURE_HEADER.toLowerCase()] as string }, r.body);
  const rtbOf = (rec: { attributes: Record<string, unknown> }) => rec.attributes.rtb as RtbRecord;
  const statusOf = (rtb: RtbRecord) => Object.fromEntries(rtb.bids.map((b) => [b.buyer, b.status]));
  /** The rtb `buyers` list: each buyer by name, pinged at its server's URL (plus extra fields). */
  const buyersOf = (list: Record<string, BuyerServer | [BuyerServer, Record<string, unknown>]>) =>
    Object.entries(list).map(([name, b]) => (Array.isArray(b) ? { name, ping_url: b[0].url, ...b[1] } : { name, ping_url: b.url }));
  /** A callflow of one rtb node whose `_` beeps. */
  const auction = (data: Record<string, unknown>) => h.callflow({ module: 'rtb', data, children: { _: beep } });
  /** Calls `number` and waits for the call to end by itself: its record. */
  const callToEnd = async (number: string, opts: { callerId?: string } = {}) => {
    const caller = await h.call(number, opts);
    await caller.waitEnded();
    return h.record(caller.peerId);
  };
  /** Calls `number`, hangs up after the first prompt finished (the `_` beep): its record. */
  const callToBeep = async (number: string) => {
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackFinished');
    await caller.hangup();
    return h.record(caller.peerId);
  };

  before(async () => {
    h = await EngineHarness.start();
    secret = await accountPivotSecret(accountData(h.db, h.accountId), h.accountId);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await h?.stop();
  });

  it('connects the call to the highest valid bidder within the timeout (slow, invalid and lower bids ignored)', async () => {
    // The winner's destination: a number of this account whose flow answers, beeps and hangs up.
    const winnerNumber = await h.callflow({ ...beep, children: { _: { module: 'hangup', data: {} } } });
    const lowNumber = await h.callflow({ ...beep, children: { _: { module: 'hangup', data: {} } } });
    const slow = await buyer(() => ({ delayMs: 4000, body: { bid: 100, destination: lowNumber } }));
    const invalid = await buyer(() => ({ body: 'not json at all' }));
    const high = await buyer((r) => (r.kind === 'ping' ? { body: { bid: 12.5, bid_id: 'b-77', destination: winnerNumber } } : { body: { accepted: true } }));
    const low = await buyer(() => ({ body: { bid: '7.25', destination: lowNumber } }));
    const number = await auction({ timeout_ms: 1200, min_bid: 5, buyers: buyersOf({ slow, invalid, high, low }) });
    const rec = await callToEnd(number, { callerId: '"Buyer Test" <+15551230001>' });
    const rtb = rtbOf(rec);
    expect(statusOf(rtb)).to.deep.equal({ slow: 'late', invalid: 'invalid', high: 'bid', low: 'bid' });
    expect(rtb.decision).to.deep.include({ result: 'won', winner: 'high', amount: 12.5, destination: winnerNumber });
    expect(rtb.connection?.status, JSON.stringify(rec.trace)).to.equal('answered');
    expect(rtb.auction_ms).to.be.lessThan(3000);
    expect(steps(rec)).to.deep.equal([['rtb', 'stop']]);
    expect(rec.attributes.bridged_to).to.equal('rtb:high');

    // Every buyer got the call's facts, signed; only the winner got the post, with its bid id.
    for (const s of [slow, invalid, high, low]) {
      const [ping] = s.pings();
      expect(signed(ping), 'ping signature').to.equal(true);
      expect(ping.json).to.deep.include({ type: 'ping', caller_id_number: '+15551230001', called_number: number, currency: 'USD', min_bid: 5 });
    }
    expect(high.posts()).to.have.length(1);
    expect(signed(high.posts()[0])).to.equal(true);
    expect(high.posts()[0].json).to.deep.include({ type: 'post', bid: 12.5, bid_id: 'b-77', auction_id: rtb.auction_id });
    expect(low.posts()).to.have.length(0);
    expect(slow.posts()).to.have.length(0);
    expect(slow.pings()[0].aborted, 'the slow ping was cut at the timeout').to.equal(true);

    // The call really reached the winner's number (its own call record), not the loser's.
    await until('winner call record', async () => !!(await h.db.collection('calls').findOne({ callee: winnerNumber })));
    expect(await h.db.collection('calls').findOne({ callee: lowNumber })).to.equal(null);
  });

  it('takes `_` when no bid is valid (5xx, negative, missing bid, below min_bid, no destination)', async () => {
    const errored = await buyer(() => ({ status: 503, body: { bid: 50, destination: '+15550001' } }));
    const negative = await buyer(() => ({ body: { bid: -3, destination: '+15550001' } }));
    const missing = await buyer(() => ({ body: { price: 40, destination: '+15550001' } }));
    const cheap = await buyer(() => ({ body: { bid: 1, destination: '+15550001' } }));
    const nowhere = await buyer(() => ({ body: { bid: 30 } }));
    const number = await auction({ timeout_ms: 1500, min_bid: 2, buyers: buyersOf({ errored, negative, missing, cheap, nowhere }) });
    const rec = await callToBeep(number);
    const rtb = rtbOf(rec);
    expect(statusOf(rtb)).to.deep.equal({ errored: 'error', negative: 'invalid', missing: 'invalid', cheap: 'below_min', nowhere: 'invalid' });
    expect(rtb.bids.find((b) => b.buyer === 'errored')?.http_status).to.equal(503);
    expect(rtb.decision?.result).to.equal('no_bid');
    expect(steps(rec)[0]).to.deep.equal(['rtb', '_']);
    expect(steps(rec).map(([m]) => m)).to.deep.equal(['rtb', 'play']);
    for (const s of [errored, negative, missing, cheap, nowhere]) expect(s.posts()).to.have.length(0);
  });

  it('passes the call to the next best bid when the winner refuses the post, using the operator destination', async () => {
    const refuses = await buyer((r) => (r.kind === 'ping' ? { body: { bid: 20, destination: '+15550002' } } : { status: 409, body: { accepted: false } }));
    const second = await buyer((r) => (r.kind === 'ping' ? { body: { bid: 10, destination: '+15550003' } } : { status: 200, body: '' }));
    // The operator's destination beats whatever the buyer names.
    const number = await auction({ timeout_ms: 1500, buyers: buyersOf({ refuses, second: [second, { destination: 'Local/answer-hangup@sim' }] }) });
    const rec = await callToEnd(number);
    const rtb = rtbOf(rec);
    expect(rtb.posts.map((p) => [p.buyer, p.accepted, p.http_status])).to.deep.equal([
      ['refuses', false, 409],
      ['second', true, 200],
    ]);
    expect(rtb.decision).to.deep.include({ winner: 'second', destination: 'Local/answer-hangup@sim' });
    expect(rtb.connection?.status, JSON.stringify(rec.trace)).to.equal('answered');
    expect(steps(rec)).to.deep.equal([['rtb', 'stop']]);
  });

  it('takes `_` when the winner cannot be connected (busy destination)', async () => {
    const b = await buyer(() => ({ body: { bid: 3, destination: '+15550004' } }));
    const number = await auction({ timeout_ms: 1000, buyers: buyersOf({ busy: [b, { destination: 'Local/busy@sim' }] }) });
    const rec = await callToBeep(number);
    const rtb = rtbOf(rec);
    expect(rtb.decision).to.deep.include({ result: 'won', winner: 'busy' });
    expect(rtb.connection?.status).to.equal('failed');
    expect(steps(rec)[0]).to.deep.equal(['rtb', '_']);
    expect(steps(rec).map(([m]) => m)).to.deep.equal(['rtb', 'play']);
  });

  it('does not dial a Local channel a buyer names (only the operator may)', async () => {
    const b = await buyer(() => ({ body: { bid: 9, destination: 'Local/answer@sim' } }));
    const number = await auction({ timeout_ms: 1000, buyers: buyersOf({ sneaky: b }) });
    const rtb = rtbOf(await callToBeep(number));
    expect(rtb.bids[0]).to.deep.include({ status: 'invalid' });
    expect(rtb.decision?.result).to.equal('no_bid');
  });

  it('plays the ring tone in-band to an answered caller during the auction, and refuses posts all round → `_`', async () => {
    const b = await buyer((r) => (r.kind === 'ping' ? { delayMs: 300, body: { bid: 9, destination: '+15550006' } } : { status: 500 }));
    const number = await h.callflow({
      module: 'answer',
      data: {},
      children: { _: { module: 'rtb', data: { timeout_ms: 1500, buyers: buyersOf({ flaky: b }) }, children: { _: beep } } },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    const tone = await caller.waitPlayback('PlaybackStarted', 'tone:ring');
    expect(tone.playback?.media_uri).to.equal('tone:ring');
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    const rtb = rtbOf(rec);
    expect(rtb.posts.map((p) => [p.buyer, p.accepted, p.http_status])).to.deep.equal([['flaky', false, 500]]);
    expect(rtb.decision?.result).to.equal('rejected');
    expect(steps(rec).map(([m]) => m)).to.deep.equal(['answer', 'rtb', 'play']);
    expect(steps(rec)[1]).to.deep.equal(['rtb', '_']);
  });

  it('stops pinging when the caller hangs up during the auction', async () => {
    const b = await buyer(() => ({ delayMs: 5000, body: { bid: 9, destination: '+15550005' } }));
    const number = await auction({ timeout_ms: 8000, buyers: buyersOf({ slow: b }) });
    const caller = await h.call(number);
    await until('ping arrived', () => b.pings().length === 1);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    await until('ping aborted', () => b.pings()[0].aborted);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['rtb']);
    expect(rtbOf(rec).decision).to.equal(undefined);
    expect(b.posts()).to.have.length(0);
  });
});
