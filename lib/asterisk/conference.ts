// CallControl.joinConference() over ARI: one mixing bridge per conference key, shared by every call of this
// process that joins it. The first caller creates the bridge, the last one to leave destroys it. Entry and
// exit tones are played to the whole bridge; a muted member's audio is dropped (channel mute `in`), a deaf
// member hears nothing (mute `out`). While in, the member's keys are the conference's controls (mute,
// deaf-mute, leave). The registry below is plain data (ids, flags, dates) so that a later version can
// store it and re-adopt conferences after a restart; the live hooks are kept apart from it.
// Waiting for a moderator (ConferenceJoin.waitForModerator): a member who joins while it must wait is a
// member of the conference (counted, listed with `waiting`) but stays out of the bridge and hears music on
// hold; a moderator joining moves every waiting member into the bridge. `first` (Kazoo wait_for_moderator =
// FreeSWITCH's wait-mod flag, cleared for good by the first moderator): once a moderator has been in, members
// join directly and the conference goes on after the last moderator left. `always` (require_moderator): when
// the last moderator leaves, the members still in go back on hold until a moderator returns.
import { randomUUID } from 'node:crypto';
import { CallGoneError, type ConferenceJoin, type ConferenceJoinResult } from '../callcontrol/port.ts';
import type { Logger } from '../log.ts';
import type { AriRest } from './rest.ts';
import type { SessionCaller } from './session.ts';

export interface ConferenceMember {
  channelId: string;
  moderator: boolean;
  muted: boolean;
  deaf: boolean;
  /** On hold, out of the bridge, until a moderator joins. */
  waiting: boolean;
  joinedAt: string;
}

/** One running conference (serialisable). */
export interface ConferenceState {
  key: string;
  name?: string;
  bridgeId: string;
  createdAt: string;
  members: Record<string, ConferenceMember>;
  /** A moderator has been in (ends the `first` kind of waiting for good). */
  moderatorJoined: boolean;
}

/** What a conference needs from the joining call (AriCall): its keys come through setTap while in. */
export type ConferenceCaller = SessionCaller;

const conferences = new Map<string, ConferenceState>();
/** Bridges being created, by key: callers joining at the same moment share one. */
const creating = new Map<string, Promise<ConferenceState>>();
/** Members counted before their join finished (the max_participants check must not race). */
const joining = new Map<string, number>();
/** Per member channel: its hold / bridge moves, one after another (a release must not overtake a hold). */
const moves = new Map<string, Promise<void>>();

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
        const state: ConferenceState = { key: req.key, bridgeId, createdAt: new Date().toISOString(), members: {}, moderatorJoined: false, ...(req.name ? { name: req.name } : {}) };
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

/** Whether a member joining now must wait for a moderator. */
function mustWait(state: ConferenceState, req: ConferenceJoin): boolean {
  if (req.moderator || !req.waitForModerator) return false;
  if (Object.values(state.members).some((m) => m.moderator)) return false;
  return req.waitForModerator === 'always' || !state.moderatorJoined;
}

/** Runs `step` after the member's earlier moves (hold, into the bridge, out of it). */
function move(channelId: string, step: () => Promise<void>): Promise<void> {
  const run = (moves.get(channelId) ?? Promise.resolve()).then(step);
  const settled = run.catch(() => {});
  moves.set(channelId, settled);
  void settled.then(() => {
    if (moves.get(channelId) === settled) moves.delete(channelId);
  });
  return run;
}

async function hold(rest: AriRest, channelId: string, mohClass: string | undefined): Promise<void> {
  await rest.call('channels.startMoh (conference wait)', (c) => c.channels.startMoh(mohClass ? { channelId, mohClass } : { channelId }), channelId);
}

async function intoBridge(rest: AriRest, bridgeId: string, channelId: string, fromHold: boolean): Promise<void> {
  if (fromHold) await rest.call('channels.stopMoh (conference wait)', (c) => c.channels.stopMoh({ channelId }), channelId).catch(() => {});
  await rest.call('bridges.addChannel (conference)', (c) => c.bridges.addChannel({ bridgeId, channel: channelId }), channelId);
}

/** A moderator is in: every waiting member joins the bridge. */
function releaseWaiting(rest: AriRest, state: ConferenceState, log: Logger): void {
  for (const m of Object.values(state.members)) {
    if (!m.waiting) continue;
    m.waiting = false;
    log.info({ conference: state.key, member: m.channelId }, 'moderator in: waiting member joins');
    move(m.channelId, () => intoBridge(rest, state.bridgeId, m.channelId, true)).catch((err: Error) => {
      if (!(err instanceof CallGoneError)) log.warn({ err: err.message, member: m.channelId }, 'moving a waiting member in failed');
    });
  }
}

/** The last moderator left a conference that requires one: the members go back on hold. */
function holdMembers(rest: AriRest, state: ConferenceState, mohClass: string | undefined, log: Logger): void {
  for (const m of Object.values(state.members)) {
    if (m.waiting || m.moderator) continue;
    m.waiting = true;
    log.info({ conference: state.key, member: m.channelId }, 'no moderator left: member waits');
    move(m.channelId, async () => {
      await rest.call('bridges.removeChannel (conference wait)', (c) => c.bridges.removeChannel({ bridgeId: state.bridgeId, channel: m.channelId }), m.channelId);
      await hold(rest, m.channelId, mohClass);
    }).catch((err: Error) => {
      if (!(err instanceof CallGoneError)) log.warn({ err: err.message, member: m.channelId }, 'putting a member on hold failed');
    });
  }
}

/** Joins `caller` to the conference `req.key` (see CallControl.joinConference). */
export async function joinConference(caller: ConferenceCaller, rest: AriRest, req: ConferenceJoin): Promise<ConferenceJoinResult> {
  if (caller.signal.aborted) throw new CallGoneError(caller.id);
  const max = req.maxParticipants ?? 0;
  const already = participants(req.key);
  if (max > 0 && already >= max) return { status: 'full', participants: already };
  joining.set(req.key, (joining.get(req.key) ?? 0) + 1);
  let state: ConferenceState;
  let member: ConferenceMember | undefined;
  try {
    if (!caller.isAnswered()) await caller.answer();
    state = await bridgeFor(rest, req);
    if (req.muted) await setMute(rest, caller.id, 'in', true);
    if (req.deaf) await setMute(rest, caller.id, 'out', true);
    // Decided and registered at once: a moderator joining from now on sees this member (and releases it).
    const waiting = mustWait(state, req);
    member = { channelId: caller.id, moderator: req.moderator, muted: req.muted, deaf: req.deaf, waiting, joinedAt: new Date().toISOString() };
    state.members[caller.id] = member;
    const bridgeId = state.bridgeId;
    await move(caller.id, () => (waiting ? hold(rest, caller.id, req.mohClass) : intoBridge(rest, bridgeId, caller.id, false)));
  } catch (err) {
    const current = conferences.get(req.key);
    if (member && current?.members[caller.id] === member) delete current.members[caller.id];
    await releaseIfEmpty(rest, req.key, caller.log, 1);
    throw err;
  } finally {
    const n = (joining.get(req.key) ?? 1) - 1;
    if (n > 0) joining.set(req.key, n);
    else joining.delete(req.key);
  }
  const count = Object.keys(state.members).length;
  caller.log.info({ conference: req.key, bridge: state.bridgeId, moderator: req.moderator, waiting: member.waiting, participants: count }, 'joined conference');
  if (member.waiting) caller.log.info({ conference: req.key }, 'conference member waits for a moderator');
  else playToBridge(rest, state.bridgeId, req.entryTone, caller.log);
  if (req.moderator) {
    state.moderatorJoined = true;
    releaseWaiting(rest, state, caller.log);
  }

  // From here the conference owns the call: its keys and its leaving.
  const controls = req.controls ?? {};
  const self = member;
  caller.setTap((e) => {
    if (e.type !== 'ChannelDtmfReceived' || !e.digit) return;
    const action = controls[e.digit];
    if (action) void control(caller, rest, req, self, action);
  });
  const leave = () => {
    caller.setTap(undefined);
    const current = conferences.get(req.key);
    if (!current || current.members[caller.id] !== self) return;
    delete current.members[caller.id];
    const left = Object.values(current.members);
    caller.log.info({ conference: req.key, left: left.length }, 'left conference');
    if (left.some((m) => !m.waiting) && !self.waiting) playToBridge(rest, current.bridgeId, req.exitTone, caller.log);
    if (self.moderator && req.waitForModerator === 'always' && !left.some((m) => m.moderator)) holdMembers(rest, current, req.mohClass, caller.log);
    void releaseIfEmpty(rest, req.key, caller.log);
  };
  if (caller.signal.aborted) leave();
  else caller.signal.addEventListener('abort', leave, { once: true });
  return { status: 'joined', bridgeId: state.bridgeId, participants: count, ...(self.waiting ? { waiting: true } : {}) };
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
