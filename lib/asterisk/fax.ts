// CallControl.receiveFax() over ARI. ARI cannot run ReceiveFAX (res_fax) itself, so a Local channel does:
// Local/receive@ariflow-fax/n (asterisk/etc/extensions.conf) is originated into the app with pre-generated ids
// for both halves; its ;1 half enters the app and is bridged with the caller, its ;2 half runs ReceiveFAX into
// the file and then reports <status>|<pages>|<error> in a user event (also from `h` when the call ends first).
// ARI subscribes the originating app to both halves of a Local channel, so that event arrives as a
// ChannelUserevent of ;2 (the app filters ChannelVarset out: see connection.ts). The file is written by Asterisk
// straight into the media folder it shares with ariflow (same path in the local chroot and in docker-compose's
// shared volume).
// A fax machine that calls announces itself with CNG (1100 Hz, 0.5 s every 3 s): with timeoutSec, res_tonedetect
// listens for it on what the bridge sends to ;1, and no CNG in time ends the session (`timeout`).
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CallGoneError, type FaxReceiveOptions, type FaxReceiveResult } from '../callcontrol/port.ts';
import type { Logger } from '../log.ts';
import type { AriEvent } from './ari-types.ts';
import type { AriRest } from './rest.ts';

export const FAX_CONTEXT = 'ariflow-fax';
/** The user event (dialplan UserEvent) whose `result` is <status>|<pages>|<error>. */
const RESULT_EVENT = 'AriflowFax';
/** CNG: 1100 Hz; a burst lasts 0.5 s, so 350 ms of it counts. */
const CNG_HZ = 1100;
const CNG_MIN_MS = 350;
const TONE_POLL_MS = 250;
/** After the caller hung up (or the timeout ended it), how long ;2's `h` may take to report what it had. */
const RESULT_GRACE_MS = 3000;

export interface FaxHost {
  readonly rest: AriRest;
  readonly app: string;
  reserveChannelId(handler: (event: AriEvent) => void): string;
  releaseChannel(id: string): void;
}

export interface FaxCaller {
  readonly id: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  isAnswered(): boolean;
  answer(): Promise<void>;
}

/** `SUCCESS|2|` → its parts (Asterisk's FAXSTATUS, FAXPAGES, FAXERROR); `HANGUP` when the call ended first. */
export function parseFaxResult(value: string): { status: string; pages: number; error: string } {
  const [status = '', pages = '', ...rest] = value.split('|');
  const n = Number.parseInt(pages, 10);
  return { status: status.trim().toUpperCase(), pages: Number.isFinite(n) && n > 0 ? n : 0, error: rest.join('|').trim() };
}

/** A value for a dialplan variable that is expanded inside Set(): one line, no argument separators. */
function dialplanSafe(value: string | undefined, max = 100): string {
  return (value ?? '').replace(/[\r\n,|;()$"\\[\]{}]/g, ' ').trim().slice(0, max);
}

export async function runReceiveFax(caller: FaxCaller, host: FaxHost, opts: FaxReceiveOptions): Promise<FaxReceiveResult> {
  if (caller.signal.aborted) throw new CallGoneError(caller.id);
  const log = caller.log;
  const dir = path.dirname(opts.path);
  await mkdir(dir, { recursive: true });
  // Asterisk may run as another user (docker-compose): it must be able to create the file here.
  await chmod(dir, 0o777).catch(() => {});
  await rm(opts.path, { force: true });
  if (!caller.isAnswered()) await caller.answer();

  let resultValue: string | undefined;
  let localGone = false;
  let faxGone = false;
  let inApp = false;
  let wake: () => void = () => {};
  const changed = () => wake();
  const localId = host.reserveChannelId((e) => {
    if (e.type === 'StasisStart') inApp = true;
    else if (e.type === 'ChannelDestroyed') localGone = true;
    else return;
    changed();
  });
  const faxId = host.reserveChannelId((e) => {
    if (e.type === 'ChannelUserevent' && e.eventname === RESULT_EVENT && resultValue === undefined) resultValue = String(e.userevent?.result ?? '');
    else if (e.type === 'ChannelDestroyed') faxGone = true;
    else return;
    changed();
  });
  const onAbort = () => changed();
  caller.signal.addEventListener('abort', onAbort);
  /** Resolves at the next event (or abort), or after ms. */
  const nextChange = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const options = opts.t38 === false ? 'F' : 'f';
  const bridgeId = randomUUID();
  let bridgeMade = false;
  let ended: 'timeout' | 'hangup' | undefined;
  try {
    try {
      const params = {
        endpoint: `Local/receive@${FAX_CONTEXT}/n`,
        app: host.app,
        appArgs: 'fax',
        channelId: localId,
        otherChannelId: faxId,
        // G.711 like a fax line (not the caller's codec): res_tonedetect and fax modems want 8 kHz audio.
        formats: 'ulaw,alaw',
        timeout: 30,
        variables: {
          ARIFLOW_FAX_FILE: opts.path,
          ARIFLOW_FAX_OPTIONS: options,
          ARIFLOW_FAX_STATION: dialplanSafe(opts.stationId, 20),
          ARIFLOW_FAX_HEADER: dialplanSafe(opts.headerInfo),
        },
      };
      await host.rest.call('channels.originate (fax)', (c) => c.channels.originate(params as Parameters<typeof c.channels.originate>[0]));
    } catch (err) {
      host.releaseChannel(localId);
      host.releaseChannel(faxId);
      throw err;
    }
    // ;1 enters the app once ReceiveFAX answered ;2.
    const enterBy = Date.now() + host.rest.timeoutMs;
    while (!inApp && !localGone && !caller.signal.aborted && Date.now() < enterBy) await nextChange(enterBy - Date.now());
    if (!inApp || localGone) {
      if (caller.signal.aborted) return { status: 'hangup', pages: 0, error: 'caller hung up' };
      return { status: 'failed', pages: 0, error: 'the fax receiver did not start' };
    }
    if (!caller.signal.aborted) {
      await host.rest.call('bridges.create (fax)', (c) => c.bridges.create({ type: 'mixing', bridgeId } as Parameters<typeof c.bridges.create>[0]));
      bridgeMade = true;
      await host.rest.call('bridges.addChannel (fax)', (c) => c.bridges.addChannel({ bridgeId, channel: [caller.id, localId] }));
      log.debug({ fax: faxId, file: opts.path }, 'fax receiver bridged');
    }

    // Wait for the result; meanwhile listen for the caller's CNG while a timeout applies.
    const toneDeadline = opts.timeoutSec > 0 ? Date.now() + opts.timeoutSec * 1000 : 0;
    let toneHeard = toneDeadline === 0;
    if (!toneHeard) {
      await host.rest
        .call('channels.setChannelVar (fax cng)', (c) => c.channels.setChannelVar({ channelId: localId, variable: `TONE_DETECT(${CNG_HZ},${CNG_MIN_MS},t)`, value: '' }), localId)
        .catch((err: Error) => log.warn({ err: err.message }, 'fax: CNG detection not started'));
    }
    while (resultValue === undefined && !faxGone) {
      if (caller.signal.aborted) {
        ended = 'hangup';
        break;
      }
      if (!toneHeard) {
        const hits = await host.rest
          .call('channels.getChannelVar (fax cng)', (c) => c.channels.getChannelVar({ channelId: localId, variable: 'TONE_DETECT(tx)' }), localId)
          .then((v) => Number((v as { value?: string }).value ?? 0), () => 0);
        if (hits > 0) {
          toneHeard = true;
          log.debug('fax: CNG heard');
          void host.rest
            .call('channels.setChannelVar (fax cng)', (c) => c.channels.setChannelVar({ channelId: localId, variable: 'TONE_DETECT(0,,x)', value: '' }), localId)
            .catch(() => {});
        } else if (Date.now() >= toneDeadline) {
          ended = 'timeout';
          break;
        }
        if (resultValue !== undefined || faxGone) break;
        await nextChange(TONE_POLL_MS);
      } else {
        await nextChange(60_000);
      }
    }
    if (ended && resultValue === undefined && !faxGone) {
      // Ending ;1 ends ;2: its `h` still reports what it had (e.g. pages of a fax cut short).
      await host.rest.call('channels.hangup (fax)', (c) => c.channels.hangup({ channelId: localId }), localId).catch(() => {});
      const until = Date.now() + RESULT_GRACE_MS;
      while (resultValue === undefined && !faxGone && Date.now() < until) await nextChange(until - Date.now());
    }
  } finally {
    caller.signal.removeEventListener('abort', onAbort);
    wake = () => {};
    if (bridgeMade) await host.rest.call('bridges.destroy (fax)', (c) => c.bridges.destroy({ bridgeId })).catch(() => {});
    if (!localGone) await host.rest.call('channels.hangup (fax)', (c) => c.channels.hangup({ channelId: localId }), localId).catch(() => {});
  }

  const parsed = parseFaxResult(resultValue ?? 'HANGUP|0|');
  const file = await stat(opts.path).then((s) => (s.size > 8 ? opts.path : undefined), () => undefined);
  log.info({ status: parsed.status, pages: parsed.pages, error: parsed.error, ended }, 'fax session ended');
  if (ended === 'timeout' && parsed.status !== 'SUCCESS') return { status: 'timeout', pages: 0, error: 'no fax tone' };
  if (parsed.status === 'SUCCESS' && file) return { status: 'received', pages: parsed.pages, file };
  const hangup = ended === 'hangup' || caller.signal.aborted || parsed.status === 'HANGUP';
  return {
    status: hangup ? 'hangup' : 'failed',
    pages: parsed.pages,
    ...(file ? { file } : {}),
    error: parsed.error || (hangup ? 'caller hung up' : 'fax failed'),
  };
}
