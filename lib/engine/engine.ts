// A call's way through ariflow: find its account and callflow, walk the tree, write its record.
import type { Db } from 'mongodb';
import type { CallControl } from '../callcontrol/port.ts';
import type { Logger } from '../log.ts';
import type { Speak } from '../media/resolver.ts';
import { createMediaServices } from '../media/resolver.ts';
import { accountData } from './account-data.ts';
import { beginCall } from '../tracking/attribution.ts';
import { carrierSource } from '../carriers/source.ts';
import type { CallRecord, CallRecordWriter } from './call-records.ts';
import { executeFlow, type ExecutionResult, type ExecutorDeps } from './executor.ts';
import type { RouteMatch } from './matcher.ts';
import type { CallContext, CallEndHandler, CallflowNode } from './module.ts';
import type { RouteCache } from './routes.ts';

export interface IncomingCall {
  /** `inbound`: from a carrier or the test driver; `device`: placed by a registered phone. */
  kind: 'inbound' | 'device';
  exten: string;
  /** PJSIP endpoint of the calling device (kind `device`). */
  endpoint?: string;
  /** Account pinned by the dialplan (third Stasis argument of `inbound`), if any. */
  accountId?: string;
}

export interface EngineDeps extends Omit<ExecutorDeps, 'logger'> {
  db: Db;
  routes: RouteCache;
  records: CallRecordWriter;
  logger: Logger;
  mediaDir: string;
  speak: Speak;
  defaultLanguage?: string;
  onCallStart?(): void;
  onCallEnd?(): void;
  /** After hangup, with the final record and the callflow document (post-call webhooks, lib/webhooks/post-call.ts). */
  postCall?(record: Readonly<CallRecord>, callflow: Record<string, unknown>): void | Promise<void>;
}

interface DeviceDoc {
  _id: string;
  account_id: string;
  owner_id?: string;
}

export interface Resolved {
  accountId: string;
  match: RouteMatch;
  device?: DeviceDoc;
}

export function createEngine(deps: EngineDeps) {
  const { db, routes, records, logger } = deps;

  /** The call's account: the pinned one, the calling device's, or the one that owns the dialled number. */
  async function resolve(incoming: IncomingCall): Promise<Resolved | undefined> {
    let device: DeviceDoc | undefined;
    let accountId = incoming.accountId;
    if (incoming.kind === 'device' && incoming.endpoint) {
      device = (await db.collection<DeviceDoc>('devices').findOne({ 'sip.username': incoming.endpoint })) ?? undefined;
      accountId = device?.account_id;
    }
    accountId ??= await routes.accountForNumber(incoming.exten);
    if (!accountId) return undefined;
    const table = await routes.table(accountId);
    // no_match is the account's outbound catch-all: only its own devices may reach it.
    const match = table.match(incoming.exten, { allowNoMatch: incoming.kind === 'device' && !!device });
    return match ? { accountId, match, device } : undefined;
  }

  async function handleCall(call: CallControl, incoming: IncomingCall): Promise<void> {
    const startedAt = new Date();
    const log = logger.child({ call: call.id });
    deps.onCallStart?.();
    let resolved: Resolved | undefined;
    let result: ExecutionResult = { trace: [], end: 'hangup' };
    let flowName: string | undefined;
    const ctx: Partial<CallContext> = { cav: {}, collected: {}, attributes: {} };
    const endHandlers: CallEndHandler[] = [];
    try {
      resolved = await resolve(incoming);
      const doc = resolved && (await routes.callflow(resolved.accountId, resolved.match.callflowId));
      if (!resolved || !doc) {
        log.info({ exten: incoming.exten, kind: incoming.kind }, 'no callflow for number');
        // Not answered, like Kazoo: the caller's side plays its own "number not in service".
        await call.hangup('unallocated').catch(() => {});
        result = { trace: [], end: 'hangup', cause: 'UNALLOCATED_NUMBER' };
        return;
      }
      flowName = doc.name;
      const data = accountData(db, resolved.accountId);
      // A module that edits a callflow (ring_group_toggle) must not leave the routing cache holding the old one.
      const writeDoc = data.update;
      const routedAccount = resolved.accountId;
      data.update = async (collection, id, set, where) => {
        const ok = await writeDoc(collection, id, set, where);
        if (collection === 'callflows') routes.invalidate(routedAccount);
        return ok;
      };
      const full: CallContext = {
        call,
        accountId: resolved.accountId,
        callflowId: String(doc._id),
        captureGroup: resolved.match.captureGroup,
        captureGroups: resolved.match.captureGroups,
        cav: ctx.cav!,
        collected: ctx.collected!,
        attributes: ctx.attributes!,
        language: deps.defaultLanguage ?? 'en',
        data,
        media: createMediaServices({ mediaDir: deps.mediaDir, data, speak: deps.speak, accountId: resolved.accountId }),
        logger: log,
        onEnd: (handler) => {
          endHandlers.push(handler);
        },
        carriers: carrierSource(db, resolved.accountId),
      };
      if (resolved.device) full.attributes.device_id = resolved.device._id;
      const postCall = deps.postCall;
      if (postCall) full.onEnd((record) => postCall(record, doc as unknown as Record<string, unknown>));
      // Call tracking: attribution of the dialled number, tags, per-callflow record_calls (lib/tracking).
      await beginCall(full, { db, exten: incoming.exten, callflow: doc as unknown as Record<string, unknown>, lookup: deps.lookup, prepare: deps.prepare });
      log.info({ exten: incoming.exten, account: resolved.accountId, callflow: doc._id, via: resolved.match.via }, 'callflow matched');
      result = await executeFlow(full, doc.flow as CallflowNode, { lookup: deps.lookup, prepare: deps.prepare, logger });
    } catch (err) {
      // A database outage or a bug must not leave the caller in dead air.
      log.error({ err }, 'call handling failed');
      await call.hangup('normal_temporary_failure').catch(() => {});
      result = { ...result, end: 'hangup', cause: 'NORMAL_TEMPORARY_FAILURE' };
    } finally {
      await call.waitForHangup().catch(() => {});
      const endedAt = new Date();
      const record: CallRecord = {
        _id: call.id,
        account_id: resolved?.accountId ?? null,
        callflow_id: resolved?.match.callflowId ?? null,
        direction: incoming.kind,
        caller_id_number: call.callerId.number,
        caller_id_name: call.callerId.name,
        callee: incoming.exten,
        matched_via: resolved?.match.via,
        capture_group: resolved?.match.captureGroup,
        started_at: startedAt,
        answered_at: call.answeredAt ?? null,
        ended_at: endedAt,
        duration_ms: endedAt.getTime() - startedAt.getTime(),
        hangup_cause: call.hangupCause ?? result.cause ?? 'NORMAL_CLEARING',
        end: result.end,
        trace: result.trace,
        cav: ctx.cav ?? {},
        attributes: { ...(ctx.attributes ?? {}), ...(flowName ? { callflow_name: flowName } : {}) },
      };
      records.write(record);
      deps.onCallEnd?.();
      // Termination handlers (missed_call_alert, notification) run once the record is final.
      await Promise.all(
        endHandlers.map(async (handler) => {
          try {
            await handler(record);
          } catch (err) {
            log.error({ err }, 'end-of-call handler failed');
          }
        }),
      );
    }
  }

  return { handleCall, resolve };
}

export type Engine = ReturnType<typeof createEngine>;
