// RTB's pure parts: reading a buyer's answer, ranking bids, destinations.
import { expect } from 'chai';
import { bidAmount, interpretReply, noBidDecision, rankBids, type BidEntry, type PingReply } from '../../lib/rtb/auction.ts';
import type { CallContext } from '../../lib/engine/module.ts';
import { isDestination, legsFor, parseDestination, setOutboundRoute } from '../../lib/rtb/destination.ts';

const opts = { buyer: 'b', currency: 'USD', minBid: 5, isDestination };
const ok = (body: unknown, status = 200): PingReply => ({ kind: 'response', status, body: typeof body === 'string' ? body : JSON.stringify(body), latencyMs: 12.4 });

describe('rtb: interpreting a ping answer', () => {
  const table: Array<[string, PingReply, Partial<BidEntry>, Partial<typeof opts> & { destinationOverride?: string }]> = [
    ['a bid with a phone number', ok({ bid: 12.5, destination: '+15551234567', bid_id: 'x1' }), { status: 'bid', amount: 12.5, destination: '+15551234567', bid_id: 'x1', latency_ms: 12, http_status: 200 }, {}],
    ['a numeric-string bid', ok({ bid: '7.50', destination: '5551234567' }), { status: 'bid', amount: 7.5 }, {}],
    ['a sip URI destination', ok({ bid: 6, destination: 'sip:sales@buyer.example.com:5080' }), { status: 'bid', destination: 'sip:sales@buyer.example.com:5080' }, {}],
    ['exactly min_bid wins', ok({ bid: 5, destination: '+15551234567' }), { status: 'bid', amount: 5 }, {}],
    ['below min_bid', ok({ bid: 4.99, destination: '+15551234567' }), { status: 'below_min', amount: 4.99 }, {}],
    ['bid 0 is no bid', ok({ bid: 0 }), { status: 'no_bid' }, {}],
    ['no_bid flag', ok({ no_bid: true }), { status: 'no_bid' }, {}],
    ['bid null is no bid', ok({ bid: null }), { status: 'no_bid' }, {}],
    ['HTTP 204 is no bid', ok('', 204), { status: 'no_bid', http_status: 204 }, {}],
    ['not JSON', ok('<html>oops</html>'), { status: 'invalid', error: 'response is not JSON' }, {}],
    ['a JSON array', ok([1, 2]), { status: 'invalid' }, {}],
    ['missing bid', ok({ price: 10, destination: '+15551234567' }), { status: 'invalid', error: 'no bid in the response' }, {}],
    ['negative bid', ok({ bid: -1, destination: '+15551234567' }), { status: 'invalid', error: 'negative bid' }, {}],
    ['non-number bid', ok({ bid: 'lots', destination: '+15551234567' }), { status: 'invalid' }, {}],
    ['another currency', ok({ bid: 9, currency: 'EUR', destination: '+15551234567' }), { status: 'invalid' }, {}],
    ['same currency, other case', ok({ bid: 9, currency: 'usd', destination: '+15551234567' }), { status: 'bid' }, {}],
    ['no destination', ok({ bid: 9 }), { status: 'invalid', error: 'no destination' }, {}],
    ['a Local channel from a buyer', ok({ bid: 9, destination: 'Local/answer@sim' }), { status: 'invalid' }, {}],
    ['garbage destination', ok({ bid: 9, destination: 'call me maybe' }), { status: 'invalid' }, {}],
    ['the override beats the buyer', ok({ bid: 9, destination: '+15551234567' }), { status: 'bid', destination: 'Local/answer@sim' }, { destinationOverride: 'Local/answer@sim' }],
    ['the override makes up for a missing destination', ok({ bid: 9 }), { status: 'bid', destination: '+15550000' }, { destinationOverride: '+15550000' }],
    ['HTTP 500', { kind: 'error', latencyMs: 3, error: 'http_status: HTTP 500', status: 500 }, { status: 'error', http_status: 500 }, {}],
    ['HTTP 404 passed as a response', ok('', 404), { status: 'error', http_status: 404, error: 'HTTP 404' }, {}],
    ['connection refused', { kind: 'error', latencyMs: 1, error: 'refused: connection refused' }, { status: 'error' }, {}],
    ['late', { kind: 'late', latencyMs: 1000.4, timeoutMs: 1000 }, { status: 'late', latency_ms: 1000, error: 'no answer within 1000 ms' }, {}],
  ];
  for (const [name, reply, expected, extra] of table) {
    it(name, () => {
      expect(interpretReply(reply, { ...opts, ...extra })).to.deep.include({ buyer: 'b', ...expected });
    });
  }

  it('bid amounts', () => {
    const rows: Array<[unknown, number | undefined]> = [[3, 3], [2.5, 2.5], ['4', 4], [' 4.25 ', 4.25], ['-2', -2], ['1e3', undefined], [Number.NaN, undefined], [Infinity, undefined], [true, undefined], [null, undefined], ['', undefined]];
    for (const [v, want] of rows) expect(bidAmount(v), String(v)).to.equal(want);
  });
});

describe('rtb: ranking bids', () => {
  const e = (buyer: string, status: BidEntry['status'], amount?: number, latency = 10): BidEntry => ({ buyer, status, amount, latency_ms: latency, destination: '+1555' });
  const table: Array<[string, BidEntry[], string[]]> = [
    ['highest first', [e('a', 'bid', 5), e('b', 'bid', 9), e('c', 'bid', 7)], ['b', 'c', 'a']],
    ['only valid bids', [e('a', 'late', 50), e('b', 'invalid', 40), e('c', 'below_min', 3), e('d', 'bid', 6), e('e', 'error'), e('f', 'no_bid')], ['d']],
    ['tie: the faster', [e('a', 'bid', 5, 30), e('b', 'bid', 5, 20)], ['b', 'a']],
    ['tie and same latency: the one listed first', [e('a', 'bid', 5), e('b', 'bid', 5)], ['a', 'b']],
    ['nothing', [], []],
  ];
  for (const [name, entries, want] of table) it(name, () => expect(rankBids(entries).map((x) => x.buyer)).to.deep.equal(want));

  it('explains no bid', () => {
    expect(noBidDecision([e('a', 'late'), e('b', 'late'), e('c', 'invalid')], 2)).to.deep.equal({ result: 'no_bid', reason: 'no valid bid ≥ 2 (2 late, 1 invalid)' });
    expect(noBidDecision([], 0).reason).to.equal('no valid bid ≥ 0');
  });
});

describe('rtb: destinations', () => {
  /** A call context whose account data finds `callflows` (the only thing number routing reads here). */
  const ctxWith = (callflows: Record<string, unknown>[]) =>
    ({ accountId: 'a', data: { find: async (collection: string) => (collection === 'callflows' ? callflows : []) } }) as unknown as CallContext;

  const table: Array<[string, boolean, ReturnType<typeof parseDestination>]> = [
    ['+15551234567', false, { kind: 'number', number: '+15551234567' }],
    ['(555) 123-4567', false, { kind: 'number', number: '5551234567' }],
    ['sip:sales@buyer.example.com', false, { kind: 'sip', uri: 'sip:sales@buyer.example.com' }],
    ['sips:+1555@10.0.0.1:5061;transport=tls', false, { kind: 'sip', uri: 'sips:+1555@10.0.0.1:5061;transport=tls' }],
    ['sip:no-host', false, undefined],
    ['sip:a@b c', false, undefined],
    ['Local/answer@sim', false, undefined],
    ['Local/answer@sim', true, { kind: 'local', dial: 'Local/answer@sim' }],
    ['Local/x@sim/n', true, undefined],
    ['PJSIP/alice', true, undefined],
    ['1', false, undefined],
    ['', false, undefined],
  ];
  for (const [raw, trusted, want] of table) it(`${JSON.stringify(raw)} (${trusted ? 'operator' : 'buyer'})`, () => expect(parseDestination(raw, trusted)).to.deep.equal(want));

  it('numbers loop back through inbound; sip URIs need ARIFLOW_RTB_SIP_ENDPOINT; a carrier route replaces both', async () => {
    const saved = process.env.ARIFLOW_RTB_SIP_ENDPOINT;
    try {
      delete process.env.ARIFLOW_RTB_SIP_ENDPOINT;
      // A number of the account's own callflows loops back; any other needs a carrier (none here).
      expect(await legsFor({ kind: 'number', number: '+1555' }, 'b', ctxWith([{ _id: 'cf' }]))).to.deep.equal([{ id: 'rtb:b', endpoint: 'Local/+1555@inbound' }]);
      expect(await legsFor({ kind: 'number', number: '+1666' }, 'b', ctxWith([]))).to.equal(undefined);
      expect(await legsFor({ kind: 'sip', uri: 'sip:x@y' }, 'b', ctxWith([]))).to.equal(undefined);
      process.env.ARIFLOW_RTB_SIP_ENDPOINT = 'trunk1';
      expect(await legsFor({ kind: 'sip', uri: 'sip:x@y' }, 'b', ctxWith([]))).to.deep.equal([{ id: 'rtb:b', endpoint: 'PJSIP/trunk1/sip:x@y' }]);
      expect(await legsFor({ kind: 'local', dial: 'Local/answer@sim' }, 'b', ctxWith([]))).to.deep.equal([{ id: 'rtb:b', endpoint: 'Local/answer@sim' }]);
      const previous = setOutboundRoute(async (d) => [{ endpoint: `PJSIP/carrier/${d.kind === 'number' ? d.number : d.uri}` }, { endpoint: 'PJSIP/backup/x' }]);
      try {
        expect((await legsFor({ kind: 'number', number: '+1555' }, 'b', ctxWith([])))?.map((l) => l.id)).to.deep.equal(['rtb:b', 'rtb:b:2']);
      } finally {
        setOutboundRoute(previous);
      }
    } finally {
      if (saved === undefined) delete process.env.ARIFLOW_RTB_SIP_ENDPOINT;
      else process.env.ARIFLOW_RTB_SIP_ENDPOINT = saved;
    }
  });
});
