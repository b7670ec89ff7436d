// Real-time bidding over HTTP: the ping to every buyer (all at once, each bounded by its own timeout and
// the auction's), and the post (confirmation) to the winner. Requests are JSON POSTs signed like pivot
// requests (X-Ariflow-Timestamp / X-Ariflow-Signature, the account's pivot secret, lib/pivot/signature.ts),
// go through pivot's bounded exchange (one deadline, size cap, no redirects, the call's hangup aborts
// them: lib/pivot/http.ts) and obey pivot's address policy (ARIFLOW_PIVOT_DENY_PRIVATE / _ALLOW_LOOPBACK).
import { CallGoneError } from '../callcontrol/port.ts';
import { parseTargetUrl, type AddressPolicy } from '../pivot/address-policy.ts';
import { PivotFailure } from '../pivot/failure.ts';
import { exchange } from '../pivot/http.ts';
import { signatureHeaders } from '../pivot/signature.ts';
import { version } from '../version.ts';
import { interpretReply, type BidEntry, type PingReply } from './auction.ts';
import { isDestination } from './destination.ts';

export interface Buyer {
  name: string;
  ping_url: string;
  post_url?: string;
  timeout_ms?: number;
  /** The operator's destination for this buyer's calls: beats the one the buyer names. */
  destination?: string;
}

/** What buyers are told about the call (ping and post bodies). */
export interface CallFacts {
  auction_id: string;
  call_id: string;
  account_id: string;
  callflow_id?: string;
  caller_id_number: string;
  caller_id_name: string;
  called_number: string;
  zip?: string;
  tags: string[];
  attribution?: Record<string, unknown>;
  custom_application_vars?: Record<string, string>;
  currency: string;
  min_bid: number;
}

export interface HttpSettings {
  secret: string;
  policy: AddressPolicy;
  maxBytes: number;
  /** The call's signal: a hangup aborts every request. */
  callSignal: AbortSignal;
}

export const RTB_HEADER = 'X-Ariflow-Rtb';

async function post(url: URL, body: string, kind: 'ping' | 'post', timeoutMs: number, http: HttpSettings) {
  return exchange(
    {
      url,
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'User-Agent': `ariflow/${version}`,
        [RTB_HEADER]: kind,
        ...signatureHeaders(http.secret, body),
      },
      body,
    },
    { timeoutMs, maxBytes: http.maxBytes, callSignal: http.callSignal, policy: http.policy },
  );
}

function failureReply(err: unknown, latencyMs: number, timeoutMs: number): PingReply {
  if (err instanceof PivotFailure) {
    if (err.kind === 'timeout') return { kind: 'late', latencyMs, timeoutMs };
    const status = typeof err.detail?.status === 'number' ? err.detail.status : undefined;
    return { kind: 'error', latencyMs, error: `${err.kind}: ${err.message}`, ...(status ? { status } : {}) };
  }
  return { kind: 'error', latencyMs, error: (err as Error)?.message ?? String(err) };
}

/** One buyer's ping → its bid entry. Rejects only with CallGoneError (the caller hung up). */
export async function pingBuyer(buyer: Buyer, facts: CallFacts, timeoutMs: number, http: HttpSettings): Promise<BidEntry> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let reply: PingReply;
  try {
    const url = parseTargetUrl(buyer.ping_url);
    const res = await post(url, JSON.stringify({ type: 'ping', ...facts }), 'ping', timeoutMs, http);
    reply = { kind: 'response', status: res.status, body: res.body, latencyMs: elapsed() };
  } catch (err) {
    if (err instanceof CallGoneError || http.callSignal.aborted) throw err instanceof CallGoneError ? err : new CallGoneError(facts.call_id);
    reply = failureReply(err, elapsed(), timeoutMs);
  }
  return interpretReply(reply, {
    buyer: buyer.name,
    currency: facts.currency,
    minBid: facts.min_bid,
    destinationOverride: buyer.destination,
    isDestination,
  });
}

/**
 * Pings every buyer at once; resolves when all have answered or the auction's timeout passed (each
 * ping is cut at min(buyer timeout, auction timeout), so nothing outlives the auction). Entries are in
 * the buyers' order.
 */
export async function runAuction(buyers: readonly Buyer[], facts: CallFacts, auctionTimeoutMs: number, http: HttpSettings): Promise<BidEntry[]> {
  return Promise.all(
    buyers.map((b) => pingBuyer(b, facts, Math.max(1, Math.min(b.timeout_ms ?? auctionTimeoutMs, auctionTimeoutMs)), http)),
  );
}

export interface PostResult {
  accepted: boolean;
  latency_ms: number;
  http_status?: number;
  /** A destination named in the post's answer (replaces the ping's, unless the operator overrides it). */
  destination?: string;
  error?: string;
}

/**
 * The confirmation to the winner: 2xx accepts (an `accepted: false` answer refuses), anything else
 * refuses. The answer may name the destination (e.g. a number reserved for this call).
 */
export async function confirmWinner(buyer: Buyer, bid: BidEntry, facts: CallFacts, timeoutMs: number, http: HttpSettings): Promise<PostResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const url = parseTargetUrl(buyer.post_url ?? buyer.ping_url);
    const body = JSON.stringify({ type: 'post', ...facts, bid: bid.amount, ...(bid.bid_id ? { bid_id: bid.bid_id } : {}), destination: bid.destination });
    const res = await post(url, body, 'post', timeoutMs, http);
    let parsed: Record<string, unknown> = {};
    try {
      const v: unknown = res.body.trim() ? JSON.parse(res.body) : {};
      if (v && typeof v === 'object' && !Array.isArray(v)) parsed = v as Record<string, unknown>;
    } catch {
      // A 2xx with a non-JSON body still accepts: the status is the answer.
    }
    if (parsed.accepted === false) return { accepted: false, latency_ms: latency(), http_status: res.status, error: 'buyer refused the call (accepted: false)' };
    const named = typeof parsed.destination === 'string' ? parsed.destination.trim() : undefined;
    return {
      accepted: true,
      latency_ms: latency(),
      http_status: res.status,
      ...(named && isDestination(named, false) ? { destination: named } : {}),
    };
  } catch (err) {
    if (err instanceof CallGoneError || http.callSignal.aborted) throw err instanceof CallGoneError ? err : new CallGoneError(facts.call_id);
    const reply = failureReply(err, latency(), timeoutMs);
    return {
      accepted: false,
      latency_ms: latency(),
      ...(reply.kind === 'error' && reply.status ? { http_status: reply.status } : {}),
      error: reply.kind === 'late' ? `no answer within ${timeoutMs} ms` : reply.kind === 'error' ? reply.error : 'failed',
    };
  }
}
