// Conferences on real calls (Local callers of the ARI driver): two callers share one bridge, the last to
// leave destroys it; member / moderator PINs; wrong PIN three times → `_`; a missing conference whose number
// is never given → `_`; join muted and the 0 key; max participants; conference_feature by capture group;
// wait_for_moderator / require_moderator (members on hold outside the bridge until a moderator is in).
// Failure prompts are cut short by the caller's keys (Kazoo's prompts stop at a key), paced by playback events.
import { expect } from 'chai';
import { getConference, listConferences } from '../../../lib/asterisk/conference.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import type { SimCaller } from '../../helpers/ari-driver.ts';
import { beep, steps, until } from '../ringing/helpers.ts';

describe('conference modules (real calls)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => {
    await h?.stop();
  });

  const quiet = { welcome_prompt: { play: false }, play_entry_tone: 'beep', play_exit_tone: 'beep' };
  const key = (id: string) => `${h.accountId}:id:${id}`;
  const bridges = async () => (await h.driver.rest<{ id: string; channels: string[] }[]>('GET', '/bridges'));
  /** How many playbacks of `media` started on the caller's channel so far. */
  const plays = (c: SimCaller, media: string) => c.events().filter((e) => e.type === 'PlaybackStarted' && e.playback?.media_uri === media).length;
  /** Waits for the n-th playback of `media`. */
  const started = (c: SimCaller, media: string, n: number) => until(`${media} #${n}`, () => plays(c, media) >= n, 10_000);
  const bridgeChannels = async (conf: string) => {
    const id = getConference(key(conf))?.bridgeId;
    return id ? (await h.driver.rest<{ channels: string[] }>('GET', `/bridges/${id}`)).channels : [];
  };
  const waiting = (conf: string, c: SimCaller) => getConference(key(conf))?.members[c.peerId]?.waiting;

  it('two callers join the same conference bridge; the last one leaving destroys it', async () => {
    const conf = await h.doc('conferences', { name: 'weekly', member: { play_entry_prompt: false } });
    const number = await h.callflow({ module: 'conference', data: { id: conf, ...quiet }, children: { _: beep } });
    const a = await h.call(number);
    const b = await h.call(number);
    // A member is listed as soon as it joins; it is in the bridge a moment later.
    await until('both in', async () => Object.keys(getConference(key(conf))?.members ?? {}).length === 2 && (await bridgeChannels(conf)).length === 2);
    const state = getConference(key(conf))!;
    const bridge = (await bridges()).find((x) => x.id === state.bridgeId)!;
    expect(bridge.channels).to.have.members([a.peerId, b.peerId]);
    expect(Object.values(state.members).map((m) => m.waiting)).to.deep.equal([false, false]);
    await a.hangup();
    await until('one left', () => Object.keys(getConference(key(conf))?.members ?? {}).length === 1);
    await b.hangup();
    await until('conference gone', () => !getConference(key(conf)));
    await until('bridge destroyed', async () => (await bridges()).every((x) => x.id !== state.bridgeId));
    const rec = await h.record(a.peerId);
    expect(steps(rec)).to.deep.equal([['conference', 'release']]);
    expect(rec.trace[0].reason).to.match(/^joined weekly as member \([12] in\)/);
    expect(rec.end).to.equal('released');
  });

  it('member PIN and moderator PIN decide the role', async () => {
    const conf = await h.doc('conferences', { name: 'pins', member: { pins: ['1111'], play_entry_prompt: false }, moderator: { pins: ['2222'], play_entry_prompt: false } });
    const number = await h.callflow({ module: 'conference', data: { id: conf, ...quiet }, children: { _: beep } });
    const m = await h.call(number);
    await m.waitUp();
    await m.sendDtmf('1111#');
    const mod = await h.call(number);
    await mod.waitUp();
    await mod.sendDtmf('2222#');
    await until('both in', () => Object.keys(getConference(key(conf))?.members ?? {}).length === 2, 10_000);
    const members = getConference(key(conf))!.members;
    expect(members[m.peerId].moderator).to.equal(false);
    expect(members[mod.peerId].moderator).to.equal(true);
    await m.hangup();
    await mod.hangup();
    await until('conference gone', () => !getConference(key(conf)));
  });

  it('a wrong PIN three times → `_`', async () => {
    const conf = await h.doc('conferences', { name: 'locked', member: { pins: ['1111'] } });
    const number = await h.callflow({ module: 'conference', data: { id: conf, ...quiet }, children: { _: beep } });
    const c = await h.call(number);
    await started(c, 'sound:conf-getpin', 1);
    await c.sendDtmf('9#');
    // Each wrong PIN: conf-bad_pin (conf-invalidpin), cut short by the next attempt's first key.
    for (let n = 1; n <= 2; n++) {
      await started(c, 'sound:conf-invalidpin', n);
      await c.sendDtmf('9#');
    }
    await c.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await c.hangup();
    expect(plays(c, 'sound:conf-invalidpin')).to.equal(3);
    const rec = await h.record(c.peerId);
    expect(rec.trace[0]).to.include({ module: 'conference', result: '_', reason: 'too many wrong PINs' });
    expect(getConference(key(conf))).to.equal(undefined);
  });

  it('moderator: true joins without a PIN; join_muted members are muted and 0 toggles it', async () => {
    const conf = await h.doc('conferences', { name: 'muted', member: { pins: ['1'], join_muted: true, play_entry_prompt: false }, moderator: { pins: ['2'], play_entry_prompt: false } });
    const modNumber = await h.callflow({ module: 'conference', data: { id: conf, moderator: true, ...quiet } });
    const memberNumber = await h.callflow({ module: 'conference', data: { id: conf, moderator: false, ...quiet } });
    const mod = await h.call(modNumber);
    await until('moderator in', () => !!getConference(key(conf))?.members[mod.peerId]);
    expect(getConference(key(conf))!.members[mod.peerId]).to.include({ moderator: true, muted: false });
    const m = await h.call(memberNumber);
    await m.waitUp();
    await m.sendDtmf('1#');
    await until('member in', () => !!getConference(key(conf))?.members[m.peerId], 10_000);
    expect(getConference(key(conf))!.members[m.peerId]).to.include({ moderator: false, muted: true });
    await m.sendDtmf('0');
    await until('unmuted by 0', () => getConference(key(conf))?.members[m.peerId]?.muted === false);
    await m.hangup();
    await mod.hangup();
    await until('conference gone', () => !getConference(key(conf)));
  });

  it('max_participants reached → the document\'s max_members_media, then `_`', async () => {
    const conf = await h.doc('conferences', { name: 'small', max_participants: 1, max_members_media: 'silence/1', member: { play_entry_prompt: false } });
    const number = await h.callflow({ module: 'conference', data: { id: conf, ...quiet }, children: { _: beep } });
    const a = await h.call(number);
    await until('first in', () => !!getConference(key(conf)));
    const b = await h.call(number);
    await b.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await b.hangup();
    expect(plays(b, 'sound:silence/1')).to.equal(1);
    expect(plays(b, 'sound:conf-full')).to.equal(0);
    const rec = await h.record(b.peerId);
    expect(rec.trace[0]).to.include({ module: 'conference', result: '_' });
    expect(rec.trace[0].reason).to.match(/^conference full/);
    await a.hangup();
    await until('conference gone', () => !getConference(key(conf)));
  });

  it('a missing conference: the caller is asked for its number; an unknown one three times → `_`', async () => {
    const number = await h.callflow({ module: 'conference', data: { id: 'f'.repeat(32), ...quiet }, children: { _: beep } });
    const c = await h.call(number);
    await started(c, 'sound:conf-getconfno', 1);
    await c.sendDtmf('1#');
    // conf-bad_conf (conf-invalid) after each, cut short by the next attempt's first key.
    for (let n = 1; n <= 2; n++) {
      await started(c, 'sound:conf-invalid', n);
      await c.sendDtmf('1#');
    }
    await c.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await c.hangup();
    expect(plays(c, 'sound:conf-invalid')).to.equal(3);
    const rec = await h.record(c.peerId);
    expect(rec.trace[0]).to.include({ module: 'conference', result: '_', reason: 'conference not found' });
  });

  it('conference_feature joins the conference named by the capture group; the caller hanging up mid-PIN ends the call', async () => {
    const conf = await h.doc('conferences', { name: 'feature', member: { play_entry_prompt: false } });
    const number = await h.callflow({ module: 'conference_feature', data: quiet }, { patterns: ['^77([0-9a-f]{32})$'] });
    expect(number).to.be.a('string');
    // Patterns are reached by the account's devices (the sim-device context places a call as one).
    await h.doc('devices', { name: 'conf phone', sip: { username: 'confsim1' } });
    const c = await h.driver.call(`77${conf}`, { targetApp: h.app.config.ariApp, context: 'sim-device', variables: { __ARIFLOW_DEVICE: 'confsim1' } });
    await until('joined via capture', () => !!getConference(key(conf))?.members[c.peerId], 10_000);
    await c.hangup();
    await until('conference gone', () => !getConference(key(conf)));
    const locked = await h.doc('conferences', { name: 'mid', member: { pins: ['5'] } });
    const n2 = await h.callflow({ module: 'conference', data: { id: locked, ...quiet } });
    const d = await h.call(n2);
    await d.waitUp();
    await d.hangup();
    const rec = await h.record(d.peerId);
    expect(rec.end).to.equal('caller_hangup');
    expect(listConferences().some((x) => x.key === key(locked))).to.equal(false);
  });
  it('wait_for_moderator: members wait on hold until a moderator joins; the conference goes on after the moderator left', async () => {
    const conf = await h.doc('conferences', { name: 'waitmod', wait_for_moderator: true, member: { play_entry_prompt: false }, moderator: { play_entry_prompt: false } });
    const memberNumber = await h.callflow({ module: 'conference', data: { id: conf, moderator: false, ...quiet } });
    const modNumber = await h.callflow({ module: 'conference', data: { id: conf, moderator: true, ...quiet } });
    const [a, b] = await Promise.all([h.call(memberNumber), h.call(memberNumber)]);
    const onHold = () => h.logs.filter((l) => l.msg === 'conference member waits for a moderator' && (l.call === a.peerId || l.call === b.peerId)).length;
    await until('both members on hold', () => waiting(conf, a) === true && waiting(conf, b) === true && onHold() === 2);
    expect(await bridgeChannels(conf)).to.deep.equal([]);
    const mod = await h.call(modNumber);
    await until('members released into the bridge', async () => waiting(conf, a) === false && waiting(conf, b) === false && (await bridgeChannels(conf)).length === 3);
    expect(await bridgeChannels(conf)).to.have.members([a.peerId, b.peerId, mod.peerId]);
    await mod.hangup();
    await until('moderator gone', () => !getConference(key(conf))?.members[mod.peerId]);
    // wait-mod is over for good: the members stay together and a new member joins directly.
    const c = await h.call(memberNumber);
    await until('late member in the bridge', async () => (await bridgeChannels(conf)).includes(c.peerId));
    expect(waiting(conf, a)).to.equal(false);
    expect(await bridgeChannels(conf)).to.have.members([a.peerId, b.peerId, c.peerId]);
    await Promise.all([a.hangup(), b.hangup(), c.hangup()]);
    await until('conference gone', () => !getConference(key(conf)));
    const rec = await h.record(a.peerId);
    expect(rec.trace[0].reason).to.match(/as member \([12] in, waiting for a moderator\)$/);
  });

  it('require_moderator: members go back on hold when the last moderator leaves, and rejoin with the next one', async () => {
    const conf = await h.doc('conferences', { name: 'reqmod', require_moderator: true, member: { play_entry_prompt: false }, moderator: { play_entry_prompt: false } });
    const memberNumber = await h.callflow({ module: 'conference', data: { id: conf, moderator: false, ...quiet } });
    const modNumber = await h.callflow({ module: 'conference', data: { id: conf, moderator: true, ...quiet } });
    const a = await h.call(memberNumber);
    await until('member waiting', () => waiting(conf, a) === true);
    const mod = await h.call(modNumber);
    await until('member in with the moderator', async () => waiting(conf, a) === false && (await bridgeChannels(conf)).length === 2);
    await mod.hangup();
    await until('member back on hold, out of the bridge', async () => waiting(conf, a) === true && (await bridgeChannels(conf)).length === 0);
    const mod2 = await h.call(modNumber);
    await until('member in with the second moderator', async () => waiting(conf, a) === false && (await bridgeChannels(conf)).length === 2);
    expect(await bridgeChannels(conf)).to.have.members([a.peerId, mod2.peerId]);
    await Promise.all([a.hangup(), mod2.hangup()]);
    await until('conference gone', () => !getConference(key(conf)));
  });
});
