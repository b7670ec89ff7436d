// Real-time bidding (ping/post): offers the call to every buyer at once, connects it to the best bid.
// Not a Kazoo module (call-tracking products' RTB step, e.g. CallScaler); module name `rtb`.
//
// The caller hears ringback while every buyer is pinged concurrently with the call's facts (caller ID,
// dialled number, ZIP from zip_route, tags, attribution, CAVs; lib/rtb/buyers.ts). The highest bid at or
// above min_bid that arrives within timeout_ms wins (ties: the faster, then the one listed first). The
// winner gets the post (confirmation); a refused or failed post passes the call to the next best bid.
// The accepted call is connected to the operator's destination for that buyer, else to the one the
// buyer named (phone number or sip URI, lib/rtb/destination.ts). Answered → stop once the bridge ends;
// no valid bid, every post refused, no route or an unanswered connection → `_`.
// Every bid and the decision are in the call record's `attributes.rtb`.
import { randomUUID } from 'node:crypto';
import { next, stop, type CallContext, type ModuleDefinition } from '../lib/engine/module.ts';
import { loadPivotConfig } from '../lib/pivot/config.ts';
import { accountPivotSecret } from '../lib/pivot/signature.ts';
import { failureReason, ringLegs } from '../lib/ringing/ring.ts';
import { noBidDecision, rankBids, type AuctionDecision, type BidEntry } from '../lib/rtb/auction.ts';
import { confirmWinner, runAuction, type Buyer, type CallFacts, type HttpSettings, type PostResult } from '../lib/rtb/buyers.ts';
import { legsFor, parseDestination } from '../lib/rtb/destination.ts';
import { moduleData } from './schema-parts.ts';

/** The record kept in `attributes.rtb`. */
export interface RtbRecord {
  auction_id: string;
  currency: string;
  min_bid: number;
  timeout_ms: number;
  /** How long the ping round took. */
  auction_ms?: number;
  bids: BidEntry[];
  posts: Array<{ buyer: string } & PostResult>;
  decision?: AuctionDecision;
  connection?: { status: 'answered' | 'failed' | 'no_route'; leg?: string; endpoint?: string; cause?: string };
}

const MAX_BUYERS = 50;

const buyerSchema = {
  type: 'object',
  required: ['name', 'ping_url'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 64 },
    ping_url: { type: 'string', pattern: '^https?://', maxLength: 2048 },
    post_url: { type: 'string', pattern: '^https?://', maxLength: 2048, description: 'Where the confirmation goes (default ping_url).' },
    timeout_ms: { type: 'integer', minimum: 50, maximum: 30000, description: "This buyer's ping timeout (capped by the auction's timeout_ms)." },
    destination: {
      type: 'string',
      minLength: 1,
      maxLength: 256,
      description: 'Where this buyer\'s calls go, whatever the buyer names: phone number, sip URI or Local/<exten>@<context>.',
    },
  },
};

function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((t): t is string => typeof t === 'string');
  if (typeof v === 'string' && v) return [v];
  return [];
}

function facts(ctx: CallContext, auctionId: string, currency: string, minBid: number): CallFacts {
  const a = ctx.attributes;
  // zip_route keeps the ZIP the caller entered here.
  const zip = typeof a.zip === 'string' ? a.zip : undefined;
  const attribution = a.attribution && typeof a.attribution === 'object' && !Array.isArray(a.attribution) ? (a.attribution as Record<string, unknown>) : undefined;
  return {
    auction_id: auctionId,
    call_id: ctx.call.id,
    account_id: ctx.accountId,
    ...(ctx.callflowId ? { callflow_id: ctx.callflowId } : {}),
    caller_id_number: ctx.call.callerId.number,
    caller_id_name: ctx.call.callerId.name,
    called_number: ctx.call.dialed,
    ...(zip ? { zip } : {}),
    tags: strings(a.tags),
    ...(attribution ? { attribution } : {}),
    ...(Object.keys(ctx.cav).length ? { custom_application_vars: { ...ctx.cav } } : {}),
    currency,
    min_bid: minBid,
  };
}

/**
 * Ringback while the auction runs: ring indication to an unanswered caller, the ring tone in-band to an
 * answered one (as dial() does); resolves to the function that stops it.
 */
async function startRingback(ctx: CallContext): Promise<() => Promise<void>> {
  if (!ctx.call.isAnswered()) {
    await ctx.call.startRinging('ring');
    return () => ctx.call.stopRinging();
  }
  const ctrl = new AbortController();
  const playing = ctx.call.play(['tone:ring'], { signal: ctrl.signal }).catch(() => undefined);
  return async () => {
    ctrl.abort();
    await playing;
  };
}

function buyersOf(v: unknown): Buyer[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((b): b is Buyer => !!b && typeof b === 'object' && typeof (b as Buyer).name === 'string' && typeof (b as Buyer).ping_url === 'string')
    .slice(0, MAX_BUYERS);
}

const definition: ModuleDefinition = {
  name: 'rtb',
  summary: 'Real-time bidding: ping buyers, connect the call to the highest bid ≥ min_bid; `_` when none.',
  schema: moduleData(
    {
      buyers: { type: 'array', minItems: 1, maxItems: MAX_BUYERS, items: buyerSchema },
      timeout_ms: { type: 'integer', minimum: 100, maximum: 30000, default: 3000, description: 'The whole auction: bids arriving later are ignored.' },
      min_bid: { type: 'number', minimum: 0, default: 0 },
      currency: { type: 'string', pattern: '^[A-Za-z]{3}$', default: 'USD' },
      post_timeout_ms: { type: 'integer', minimum: 100, maximum: 30000, default: 3000, description: "The winner's confirmation (post) timeout." },
      ring_timeout: { type: 'integer', minimum: 1, maximum: 600, default: 30, description: 'Seconds the destination may ring.' },
    },
    ['buyers'],
  ),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const buyers = buyersOf(data.buyers);
    if (!buyers.length) return next('rtb: no buyers');
    const currency = String(data.currency ?? 'USD').toUpperCase();
    const minBid = Math.max(0, Number(data.min_bid) || 0);
    const timeoutMs = Number(data.timeout_ms) || 3000;
    const rec: RtbRecord = { auction_id: randomUUID(), currency, min_bid: minBid, timeout_ms: timeoutMs, bids: [], posts: [] };
    // Written now and filled in as the auction goes: a caller who hangs up mid-auction still leaves a trace.
    ctx.attributes.rtb = rec;

    const cfg = loadPivotConfig();
    const http: HttpSettings = {
      secret: await accountPivotSecret(ctx.data, ctx.accountId),
      policy: { denyPrivate: cfg.denyPrivate, allowLoopback: cfg.allowLoopback },
      maxBytes: Math.min(cfg.maxResponseBytes, 64 * 1024),
      callSignal: ctx.call.signal,
    };
    const callFacts = facts(ctx, rec.auction_id, currency, minBid);
    const stopRingback = await startRingback(ctx);
    const started = performance.now();
    rec.bids = await runAuction(buyers, callFacts, timeoutMs, http);
    rec.auction_ms = Math.round(performance.now() - started);
    for (const b of rec.bids) {
      if (b.status !== 'bid' && b.status !== 'no_bid') ctx.logger.info({ buyer: b.buyer, status: b.status, error: b.error, latency_ms: b.latency_ms }, 'rtb: bid ignored');
    }

    const byName = new Map(buyers.map((b) => [b.name, b]));
    const ranked = rankBids(rec.bids);
    if (!ranked.length) {
      rec.decision = noBidDecision(rec.bids, minBid);
      await stopRingback();
      return next(`rtb: ${rec.decision.reason}`);
    }
    for (const bid of ranked) {
      const buyer = byName.get(bid.buyer)!;
      const posted = await confirmWinner(buyer, bid, callFacts, Number(data.post_timeout_ms) || 3000, http);
      rec.posts.push({ buyer: bid.buyer, ...posted });
      if (!posted.accepted) {
        ctx.logger.info({ buyer: bid.buyer, error: posted.error }, 'rtb: winner refused the post');
        continue;
      }
      const trusted = buyer.destination !== undefined;
      const destination = buyer.destination ?? posted.destination ?? bid.destination!;
      rec.decision = { result: 'won', winner: bid.buyer, amount: bid.amount, destination, reason: `highest valid bid ${bid.amount} ${currency}` };
      const parsed = parseDestination(destination, trusted);
      const legs = parsed && (await legsFor(parsed, bid.buyer, ctx));
      // dial() brings its own ringback.
      await stopRingback();
      if (!legs) {
        rec.connection = { status: 'no_route' };
        return next(`rtb: ${bid.buyer} won (${bid.amount} ${currency}) but ${destination} has no route`);
      }
      const result = await ringLegs(ctx, legs, { strategy: 'single', timeoutSec: Number(data.ring_timeout) || 30, ringback: 'ring' });
      if (result.status === 'answered') {
        rec.connection = { status: 'answered', leg: result.leg, endpoint: result.endpoint };
        return stop(`rtb: ${bid.buyer} won (${bid.amount} ${currency}), answered`);
      }
      rec.connection = { status: 'failed', cause: result.cause };
      return next(`rtb: ${bid.buyer} won (${bid.amount} ${currency}), connection failed: ${failureReason(result)}`);
    }
    rec.decision = { result: 'rejected', reason: `every winner refused the post (${rec.posts.length})` };
    await stopRingback();
    return next(`rtb: ${rec.decision.reason}`);
  },
};

export default definition;
