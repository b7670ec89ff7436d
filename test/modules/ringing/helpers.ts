// Helpers for the ringing tests: simulated phones as device documents, the legs a call rang (from the
// engine's log), and the channels Asterisk still has.
import type { EngineHarness } from '../../helpers/engine-harness.ts';

/**
 * A device that rings the simulated phone `Local/<behaviour>@sim` (asterisk/etc/extensions.conf: answer,
 * answer-now, noanswer, busy, congestion, answer-dtmf1, answer-hangup, echo), through the
 * `invite_format: route` escape hatch for Asterisk dial strings.
 */
export function simDevice(h: EngineHarness, behaviour: string, extra: Record<string, unknown> = {}): Promise<string> {
  return h.doc('devices', { name: `sim ${behaviour}`, device_type: 'sip_uri', sip: { invite_format: 'route', route: `Local/${behaviour}@sim` }, ...extra });
}

export interface LegLog {
  leg: string;
  channel: string;
  at: number;
}

/** The legs the call `callId` (ariflow's channel) started ringing, in order, from the debug log. */
export function legsRung(h: EngineHarness, callId: string): LegLog[] {
  return h.logs
    .filter((l) => l.call === callId && l.msg === 'leg ringing')
    .map((l) => ({ leg: String(l.leg), channel: String(l.channel), at: Number(l.time) }));
}

/** Log lines of one call with this message. */
export function logsOf(h: EngineHarness, callId: string, msg: string) {
  return h.logs.filter((l) => l.call === callId && l.msg === msg);
}

/** Ids of the channels Asterisk has now. */
export async function channelIds(h: EngineHarness): Promise<Set<string>> {
  const list = await h.driver.rest<{ id: string }[]>('GET', '/channels');
  return new Set(list.map((c) => c.id));
}

/** The leg channels (both halves of Local legs) of a call that still exist. */
export async function legsAlive(h: EngineHarness, callId: string): Promise<string[]> {
  const live = await channelIds(h);
  return legsRung(h, callId).flatMap((l) => [l.channel, `${l.channel};2`]).filter((id) => live.has(id));
}

export async function until(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The trace as [module, result] pairs. */
export function steps(rec: { trace: { module: string; result: string }[] }): [string, string][] {
  return rec.trace.map((s) => [s.module, s.result]);
}

/** A child that answers and plays a beep: proves which branch was taken. */
export const beep = { module: 'play', data: { id: 'beep' } };
