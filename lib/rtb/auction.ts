// Real-time bidding (ping/post), the pure part: what a buyer's ping answer means (a bid, no bid, or
// something to ignore), which bids may win, and in which order the winners are tried.
// The HTTP side is lib/rtb/buyers.ts; the module is callflows/rtb.ts.

/** How one buyer's ping ended, as recorded on the call (`attributes.rtb.bids[]`). */
export type BidStatus =
  /** A valid bid (amount ≥ 0 with a destination to connect to). */
  | 'bid'
  /** The buyer answered but does not bid (`bid: 0`, `bid: null` with `no_bid: true`, or HTTP 204). */
  | 'no_bid'
  /** A valid bid under the auction's min_bid. */
  | 'below_min'
  /** The answer is not a bid: not JSON, no `bid`, a negative or non-number bid, another currency, no destination. */
  | 'invalid'
  /** No complete answer before the buyer's (or the auction's) deadline; whatever came later is ignored. */
  | 'late'
  /** HTTP error status, connection refused, refused address, body too large… */
  | 'error';

export interface BidEntry {
  buyer: string;
  status: BidStatus;
  /** The bid, in the auction's currency. */
  amount?: number;
  /** Where the buyer wants the call (already the operator's override when the buyer has one). */
  destination?: string;
  /** The buyer's id for the bid (`bid_id`), sent back in the post. */
  bid_id?: string;
  latency_ms: number;
  http_status?: number;
  error?: string;
}

/** What came back from a ping, before interpretation. */
export type PingReply =
  | { kind: 'response'; status: number; body: string; latencyMs: number }
  | { kind: 'late'; latencyMs: number; timeoutMs: number }
  | { kind: 'error'; latencyMs: number; error: string; status?: number };

export interface InterpretOptions {
  buyer: string;
  currency: string;
  minBid: number;
  /** The operator's destination for this buyer: beats whatever the buyer names. */
  destinationOverride?: string;
  /** True when `destination` is one ariflow can connect to (lib/rtb/destination.ts). */
  isDestination(value: string, trusted: boolean): boolean;
}

const MAX_BID = 1e9;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A bid amount: a finite number or a numeric string ("12.50"); anything else is undefined. */
export function bidAmount(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** One ping reply → the bid entry recorded for it. */
export function interpretReply(reply: PingReply, opts: InterpretOptions): BidEntry {
  const base = { buyer: opts.buyer, latency_ms: Math.max(0, Math.round(reply.latencyMs)) };
  if (reply.kind === 'late') return { ...base, status: 'late', error: `no answer within ${reply.timeoutMs} ms` };
  if (reply.kind === 'error') return { ...base, status: 'error', error: reply.error, ...(reply.status ? { http_status: reply.status } : {}) };
  const withStatus = { ...base, http_status: reply.status };
  if (reply.status === 204) return { ...withStatus, status: 'no_bid' };
  if (reply.status < 200 || reply.status >= 300) return { ...withStatus, status: 'error', error: `HTTP ${reply.status}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body);
  } catch {
    return { ...withStatus, status: 'invalid', error: 'response is not JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ...withStatus, status: 'invalid', error: 'response is not a JSON object' };
  const o = parsed as Record<string, unknown>;
  if (o.no_bid === true || (o.bid === null && 'bid' in o)) return { ...withStatus, status: 'no_bid' };
  if (!('bid' in o)) return { ...withStatus, status: 'invalid', error: 'no bid in the response' };
  const amount = bidAmount(o.bid);
  if (amount === undefined) return { ...withStatus, status: 'invalid', error: `bid is not a number: ${JSON.stringify(o.bid)?.slice(0, 40)}` };
  if (amount < 0) return { ...withStatus, status: 'invalid', amount, error: 'negative bid' };
  if (amount > MAX_BID) return { ...withStatus, status: 'invalid', amount, error: 'bid out of range' };
  if (amount === 0) return { ...withStatus, status: 'no_bid', amount };
  const currency = str(o.currency);
  if (currency && currency.toUpperCase() !== opts.currency.toUpperCase()) {
    return { ...withStatus, status: 'invalid', amount, error: `currency ${currency} is not the auction's ${opts.currency}` };
  }
  const bidId = str(o.bid_id) ?? (typeof o.bid_id === 'number' ? String(o.bid_id) : undefined);
  const named = str(o.destination);
  let destination: string | undefined;
  if (opts.destinationOverride) destination = opts.destinationOverride;
  else if (named && opts.isDestination(named, false)) destination = named;
  else {
    return { ...withStatus, status: 'invalid', amount, error: named ? `destination ${JSON.stringify(named.slice(0, 80))} is not a phone number or sip URI` : 'no destination' };
  }
  const entry: BidEntry = { ...withStatus, status: amount >= opts.minBid ? 'bid' : 'below_min', amount, destination, ...(bidId ? { bid_id: bidId } : {}) };
  if (entry.status === 'below_min') entry.error = `below min_bid ${opts.minBid}`;
  return entry;
}

/**
 * The bids that may win, best first: valid, at least min_bid; higher amount first, then the faster
 * answer, then the buyer listed first (the order of `entries`), so ties are decided the same way every time.
 */
export function rankBids(entries: readonly BidEntry[]): BidEntry[] {
  return entries
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.status === 'bid' && e.amount !== undefined && e.destination !== undefined)
    .sort((a, b) => b.e.amount! - a.e.amount! || a.e.latency_ms - b.e.latency_ms || a.i - b.i)
    .map(({ e }) => e);
}

/** The decision recorded on the call. */
export interface AuctionDecision {
  /** `won`: a buyer confirmed and the call was connected (or tried); `no_bid`: no valid bid; `rejected`: every winner's post failed. */
  result: 'won' | 'no_bid' | 'rejected';
  winner?: string;
  amount?: number;
  destination?: string;
  reason: string;
}

export function noBidDecision(entries: readonly BidEntry[], minBid: number): AuctionDecision {
  const counts = new Map<BidStatus, number>();
  for (const e of entries) counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
  const parts = [...counts.entries()].map(([s, n]) => `${n} ${s}`);
  return { result: 'no_bid', reason: `no valid bid ≥ ${minBid}${parts.length ? ` (${parts.join(', ')})` : ''}` };
}
