// Helpers for the feature-code tests: calls placed "by a device" without a SIP phone (the `sim-device`
// dialplan context hands ariflow `device,<number>,<sip user>` like a registered phone's call would), and
// reading documents back.
import { randomBytes } from 'node:crypto';
import { EngineHarness } from '../../helpers/engine-harness.ts';

/** One harness for the file (before/after): `const $ = useHarness()` in a describe, then `$.h` in its tests. */
export function useHarness(): { readonly h: EngineHarness } {
  let harness: EngineHarness | undefined;
  before(async () => {
    harness = await EngineHarness.start();
  });
  after(async () => {
    await harness?.stop();
  });
  return {
    get h(): EngineHarness {
      if (!harness) throw new Error('harness not started');
      return harness;
    },
  };
}

/** A call to `number` that ariflow takes as placed by the device whose sip.username is `username`. */
export function callAs(h: EngineHarness, username: string, number: string, opts: { callerId?: string } = {}) {
  return h.driver.call(number, { targetApp: h.app.config.ariApp, context: 'sim-device', variables: { __ARIFLOW_DEVICE: username }, ...opts });
}

/** A device that can place calls (sip.username) and rings `Local/<behaviour>@sim` when called. */
export async function phoneDevice(h: EngineHarness, behaviour = 'answer', extra: Record<string, unknown> = {}): Promise<{ id: string; username: string }> {
  const username = `fc${randomBytes(4).toString('hex')}`;
  const id = await h.doc('devices', {
    name: `desk ${username}`,
    device_type: 'sip_device',
    sip: { username, password: 'x', invite_format: 'route', route: `Local/${behaviour}@sim` },
    ...extra,
  });
  return { id, username };
}

export async function docOf(h: EngineHarness, collection: string, id: string): Promise<Record<string, any>> {
  const doc = await h.db.collection(collection).findOne({ _id: id as never });
  if (!doc) throw new Error(`${collection}/${id} not found`);
  return doc as Record<string, any>;
}

export { beep } from '../ringing/helpers.ts';

/** Waits until the caller's channel has seen `n` playback events of `type` for `media` (past ones count). */
export async function nthPlayback(caller: { events(): { type: string; playback?: { media_uri: string } }[] }, type: string, media: string, n: number, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (caller.events().filter((e) => e.type === type && e.playback?.media_uri === media).length < n) {
    if (Date.now() > deadline) throw new Error(`no ${type} #${n} of ${media} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

type Caller = { events(): { type: string; playback?: { media_uri: string } }[]; sendDtmf(digits: string): Promise<unknown> };

/**
 * Answers `ask` (a prompt that takes digits) with `digits` each of `times` times, waiting each time for the
 * module's `rejected` prompt to finish before the next attempt (what a caller who keeps typing a wrong entry does).
 */
export async function enterWrong(caller: Caller, ask: string, digits: string, times: number, rejected?: string): Promise<void> {
  for (let i = 1; i <= times; i++) {
    await nthPlayback(caller, 'PlaybackStarted', ask, i);
    await caller.sendDtmf(digits);
    if (rejected) await nthPlayback(caller, 'PlaybackFinished', rejected, i, 10_000);
  }
}
