// What the ARI sessions that act for one call (dial.ts, page.ts, conference.ts) share: the connection they
// create legs on, the calling side as they see it (AriCall), and waiting for a new leg's StasisStart.
import type { Logger } from '../log.ts';
import type { AriEvent } from './ari-types.ts';
import type { AriRest } from './rest.ts';

/** What a session needs from the connection. */
export interface SessionHost {
  readonly rest: AriRest;
  /** The Stasis app the legs are created into. */
  readonly app: string;
  reserveChannelId(handler: (event: AriEvent) => void): string;
  releaseChannel(id: string): void;
}

/** The calling side (AriCall). */
export interface SessionCaller {
  readonly id: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  isAnswered(): boolean;
  answer(): Promise<void>;
  /** Routes the caller's own channel events to the session while set (ringback's end, keys). */
  setTap(tap: ((event: AriEvent) => void) | undefined): void;
}

/** A leg created with channels.create: its StasisStart may come before or after the REST answer. */
export interface InAppLeg {
  /** Its StasisStart came. */
  inApp?: boolean;
  /** Set while someone waits for it (see untilInApp). */
  onInApp?: () => void;
}

/** The leg's StasisStart (or its end) arrived: wakes whoever waits in untilInApp. */
export function markInApp(leg: InAppLeg): void {
  leg.inApp = true;
  leg.onInApp?.();
}

/**
 * Waits (at most timeoutMs) until the leg is in the app: channels.dial on a channel that has not entered it
 * yet fails. The leg's event handler calls markInApp, or `onInApp` when the leg is gone meanwhile.
 */
export async function untilInApp(leg: InAppLeg, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    leg.onInApp = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  leg.onInApp = undefined;
}
