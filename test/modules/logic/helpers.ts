// Helpers for the logic-module tests: calls that reach pattern callflows, and channel reads.
import type { EngineHarness } from '../../helpers/engine-harness.ts';
import type { SimCaller } from '../../helpers/ari-driver.ts';

/**
 * A call whose Stasis arguments pin the account (`inbound,<exten>,<account>`) or name a calling device
 * (`device,<exten>,<endpoint>`), as the dialplan does for carriers with a known account and for phones.
 * The `inbound` context runs Stasis(${ARIFLOW_APP},inbound,${EXTEN}); the driver sets ARIFLOW_APP per
 * call, and the commas of its value become argument separators, so the first three arguments are ours.
 * Needed for pattern callflows (an unpinned call is routed by exact numbers only) and device calls.
 */
export function callPinned(h: EngineHarness, exten: string, opts: { callerId?: string; endpoint?: string } = {}): Promise<SimCaller> {
  const args = opts.endpoint ? `device,${exten},${opts.endpoint}` : `inbound,${exten},${h.accountId}`;
  return h.driver.call(exten, { targetApp: `${h.app.config.ariApp},${args}`, callerId: opts.callerId });
}

/** A channel variable (or function such as CALLERID(num)) of ariflow's channel, read while the call is up. */
export async function channelVar(h: EngineHarness, caller: SimCaller, variable: string): Promise<string | undefined> {
  try {
    const res = await h.driver.rest<{ value: string }>('GET', `/channels/${caller.peerId}/variable`, { variable });
    return res.value;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

/** Ends a call the test kept up (the flow sits in wait_for_hangup) and returns its record. */
export async function finish(h: EngineHarness, caller: SimCaller) {
  await caller.hangup();
  return h.record(caller.peerId);
}

/** The trace as [module, result] pairs. */
export function steps(rec: { trace: { module: string; result: string }[] }): [string, string][] {
  return rec.trace.map((s) => [s.module, s.result]);
}

/** Keeps the call up after the modules under test: answer, then wait for the caller to hang up. */
export const holdCall = { module: 'answer', data: {}, children: { _: { module: 'wait_for_hangup', data: {} } } };

/**
 * Variables a new leg would carry: originates a leg (Local/noanswer@sim) with ariflow's channel as its
 * originator — Asterisk copies the caller's inheritable (`__`) variables onto it — reads them, hangs up.
 */
export async function legVars(h: EngineHarness, caller: SimCaller, names: string[]): Promise<Record<string, string | undefined>> {
  const id = `leg-${caller.peerId.slice(0, 8)}-${Math.random().toString(16).slice(2, 8)}`;
  await h.driver.rest('POST', '/channels', { endpoint: 'Local/noanswer@sim', app: h.driver.app, originator: caller.peerId, channelId: id });
  try {
    const out: Record<string, string | undefined> = {};
    for (const name of names) {
      try {
        out[name] = (await h.driver.rest<{ value: string }>('GET', `/channels/${id}/variable`, { variable: name })).value;
      } catch (err) {
        if ((err as { status?: number }).status !== 404) throw err;
        out[name] = undefined;
      }
    }
    return out;
  } finally {
    await h.driver.rest('DELETE', `/channels/${id}`).catch(() => {});
  }
}
