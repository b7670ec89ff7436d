// CallControl.joinConference() over ARI: one mixing bridge per conference key, shared by every call of this
// process that joins it. The first caller creates the bridge, the last one to leave destroys it. Entry and
// exit tones are played to the whole bridge; a muted member's audio is dropped (channel mute `in`), a deaf
// member hears nothing (mute `out`). While in, the member's keys are the conference's controls (mute,
// deaf-mute, leave). The registry below is plain data (ids, flags, dates) so that a later version can
// store it and re-adopt conferences after a restart; the live hooks are kept apart from it.
import { randomUUID } from 'node:crypto';
import { CallGoneError, type ConferenceJoin, type ConferenceJoinResult } from '../callcontrol/port.ts';
import type { Logger } from '../log.ts';
import type { AriEvent } from './ari-types.ts';
import type { AriRest } from './rest.ts';

export interface ConferenceMember {
  channelId: string;
  moderator: boolean;
  muted: boolean;
  deaf: boolean;
  joinedAt: string;
}

/** One running conference (serialisable). */
export interface ConferenceState {
  key: string;
  name?: string;
  bridgeId: string;
  createdAt: string;
  members: Record<string, ConferenceMember>;
}

/** What a conference needs from the joining call (AriCall). */
export interface ConferenceCaller {
  readonly id: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  isAnswered(): boolean;
  answer(): Promise<void>;
  /** Routes the caller's own channel events here (its keys) while set. */
  setTap(tap: ((event: AriEvent) => void) | undefined): void;
}

const conferences = new Map<string, ConferenceState>();
/** Bridges being created, by key: callers joining at the same moment share one. */
const creating = new Map<string, Promise<ConferenceState>>();
/** Members counted before their join finished (the max_participants check must not race). */
const joining = new Map<string, number>();

/** The conferences running in this process (copies). */
export function listConferences(): ConferenceState[] {
  return [...conferences.values()].map((c) => structuredClone(c));
}

export function getConference(key: string): ConferenceState | undefined {
  const c = conferences.get(key);
  return c ? structuredClone(c) : undefined;
}

function participants(key: string): number {
  return Object.keys(conferences.get(key)?.members ?? {}).length + (joining.get(key) ?? 0);
}

async function bridgeFor(rest: AriRest, req: ConferenceJoin): Promise<ConferenceState> {
  const existing = conferences.get(req.key);
  if (existing) return existing;
  let pending = creating.get(req.key);
  if (!pending) {
    const bridgeId = randomUUID();
    pending = rest
      .call('bridges.create (conference)', (c) =>
        c.bridges.create({ type: 'mixing,dtmf_events', bridgeId, name: `conf-${req.name ?? req.key}`.slice(0, 64) } as Parameters<typeof c.bridges.create>[0]),
      )
      .then(() => {
        const state: ConferenceState = { key: req.key, bridgeId, createdAt: new Date().toISOString(), members: {}, ...(req.name ? { name: req.name } : {}) };
        conferences.set(req.key, state);
        return state;
      })
      .finally(() => creating.delete(req.key));
    creating.set(req.key, pending);
  }
  return pending;
}

function playToBridge(rest: AriRest, bridgeId: string, media: string[] | undefined, log: Logger): void {
  if (!media?.length) return;
  rest
    .call('bridges.play (conference tone)', (c) => c.bridges.play({ bridgeId, media, playbackId: randomUUID() } as unknown as Parameters<typeof c.bridges.play>[0]))
    .catch((err: Error) => log.debug({ err: err.message }, 'conference tone failed'));
}

function playToMember(rest: AriRest, channelId: string, media: string[] | undefined): void {
  if (!media?.length) return;
  rest.call('channels.play (conference)', (c) => c.channels.play({ channelId, media, playbackId: randomUUID() } as unknown as Parameters<typeof c.channels.play>[0]), channelId).catch(() => {});
}

async function setMute(rest: AriRest, channelId: string, direction: 'in' | 'out', on: boolean): Promise<void> {
  if (on) await rest.call('channels.mute', (c) => c.channels.mute({ channelId, direction }), channelId);
  else await rest.call('channels.unmute', (c) => c.channels.unmute({ channelId, direction }), channelId);
}

/** Joins `caller` to the conference `req.key` (see CallControl.joinConference). */
export async function joinConference(caller: ConferenceCaller, rest: AriRest, req: ConferenceJoin): Promise<ConferenceJoinResult> {
  if (caller.signal.aborted) throw new CallGoneError(caller.id);
  const max = req.maxParticipants ?? 0;
  const already = participants(req.key);
  if (max > 0 && already >= max) return { status: 'full', participants: already };
  joining.set(req.key, (joining.get(req.key) ?? 0) + 1);
  let state: ConferenceState;
  try {
    if (!caller.isAnswered()) await caller.answer();
    state = await bridgeFor(rest, req);
    if (req.muted) await setMute(rest, caller.id, 'in', true);
    if (req.deaf) await setMute(rest, caller.id, 'out', true);
    await rest.call('bridges.addChannel (conference)', (c) => c.bridges.addChannel({ bridgeId: state.bridgeId, channel: caller.id }), caller.id);
  } catch (err) {
    await releaseIfEmpty(rest, req.key, caller.log, 1);
    throw err;
  } finally {
    const n = (joining.get(req.key) ?? 1) - 1;
    if (n > 0) joining.set(req.key, n);
    else joining.delete(req.key);
  }
  const member: ConferenceMember = { channelId: caller.id, moderator: req.moderator, muted: req.muted, deaf: req.deaf, joinedAt: new Date().toISOString() };
  state.members[caller.id] = member;
  const count = Object.keys(state.members).length;
  caller.log.info({ conference: req.key, bridge: state.bridgeId, moderator: req.moderator, participants: count }, 'joined conference');
  playToBridge(rest, state.bridgeId, req.entryTone, caller.log);

  // From here the conference owns the call: its keys and its leaving.
  const controls = req.controls ?? {};
  caller.setTap((e) => {
    if (e.type !== 'ChannelDtmfReceived' || !e.digit) return;
    const action = controls[e.digit];
    if (action) void control(caller, rest, req, member, action);
  });
  const leave = () => {
    caller.setTap(undefined);
    const current = conferences.get(req.key);
    if (!current || current.members[caller.id] !== member) return;
    delete current.members[caller.id];
    caller.log.info({ conference: req.key, left: Object.keys(current.members).length }, 'left conference');
    if (Object.keys(current.members).length) playToBridge(rest, current.bridgeId, req.exitTone, caller.log);
    void releaseIfEmpty(rest, req.key, caller.log);
  };
  if (caller.signal.aborted) leave();
  else caller.signal.addEventListener('abort', leave, { once: true });
  return { status: 'joined', bridgeId: state.bridgeId, participants: count };
}

async function control(caller: ConferenceCaller, rest: AriRest, req: ConferenceJoin, member: ConferenceMember, action: string): Promise<void> {
  const media = req.controlMedia ?? {};
  try {
    if (action === 'hangup') {
      const params = { channelId: caller.id, reason_code: '16' } as { channelId: string };
      await rest.call('channels.hangup (conference)', (c) => c.channels.hangup(params), caller.id);
    } else if (action === 'mute') {
      member.muted = !member.muted;
      await setMute(rest, caller.id, 'in', member.muted);
      playToMember(rest, caller.id, member.muted ? media.muted : media.unmuted);
    } else if (action === 'deaf') {
      // FreeSWITCH's "deaf mute": neither hears nor speaks; pressed again, both come back.
      const on = !member.deaf;
      member.deaf = on;
      member.muted = on;
      await setMute(rest, caller.id, 'out', on);
      await setMute(rest, caller.id, 'in', on);
      if (!on) playToMember(rest, caller.id, media.undeaf ?? media.unmuted);
    }
    caller.log.info({ conference: req.key, action, muted: member.muted, deaf: member.deaf }, 'conference control');
  } catch (err) {
    if (!(err instanceof CallGoneError)) caller.log.warn({ err: (err as Error).message, action }, 'conference control failed');
  }
}

/** Destroys the conference's bridge once nobody is in it and nobody is joining. */
async function releaseIfEmpty(rest: AriRest, key: string, log: Logger, selfJoining = 0): Promise<void> {
  const state = conferences.get(key);
  if (!state || Object.keys(state.members).length || (joining.get(key) ?? 0) - selfJoining > 0) return;
  conferences.delete(key);
  log.info({ conference: key, bridge: state.bridgeId }, 'conference ended');
  await rest.call('bridges.destroy (conference)', (c) => c.bridges.destroy({ bridgeId: state.bridgeId })).catch(() => {});
}
