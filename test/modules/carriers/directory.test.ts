// directory (dial by name) on real calls: spelling a last name on the keypad branches to that user's
// callflow; several matches are read out (TTS) with 1 connect / 2 next; `0` leaves to `_`; three attempts
// without a match hang up; a missing directory → `_`. Plus table tests of the keypad matching.
import { expect } from 'chai';
import { findMembers, toDialpad, type Member } from '../../../lib/directory/match.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { steps, until } from '../ringing/helpers.ts';

type Caller = Awaited<ReturnType<EngineHarness['call']>>;

function started(caller: Caller, media: string): number {
  return caller.events().filter((e) => e.type === 'PlaybackStarted' && e.playback?.target_uri === `channel:${caller.peerId}` && e.playback.media_uri === media).length;
}

describe('directory: keypad matching (table)', () => {
  const m = (first: string, last: string): Member => ({ userId: `${first}${last}`, firstName: first, lastName: last, callflowId: 'cf' });
  const people = [m('Ann', 'Smith'), m('Bob', 'Jones'), m('Cy', 'Jonas'), m('Émile', 'Zola')];
  const cases: Array<[string, string, 'first_name' | 'last_name' | 'both', string[]]> = [
    ['last name prefix', '764', 'last_name', ['AnnSmith']],
    ['two matches sorted by last name', '566', 'last_name', ['CyJonas', 'BobJones']],
    ['first name field', '266', 'first_name', ['AnnSmith']],
    ['both fields', '29', 'both', ['CyJonas']],
    ['accents folded', '3645', 'first_name', ['ÉmileZola']],
    ['no match', '999', 'last_name', []],
    ['empty input', '', 'last_name', []],
  ];
  for (const [what, digits, field, ids] of cases) {
    it(what, () => expect(findMembers(people, digits, field).map((p) => p.userId)).to.deep.equal(ids));
  }
  it('toDialpad maps letters and keeps digits', () => {
    expect(toDialpad("O'Brien-2")).to.equal('6274362');
  });
});

describe('directory (dial by name)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let dirId = '';
  const PROMPT = 'sound:dir-last';

  before(async () => {
    h = await EngineHarness.start();
    dirId = await h.doc('directories', { name: 'Staff', min_dtmf: 3 });
    for (const [first, last, media] of [
      ['Ann', 'Smith', 'beep'],
      ['Bob', 'Jones', 'tt-weasels'],
      ['Cy', 'Jonas', 'hello-world'],
    ]) {
      const cf = `cf${last}`.padEnd(32, '0').slice(0, 32);
      await h.callflow({ module: 'play', data: { id: media } }, { id: cf });
      await h.doc('users', { first_name: first, last_name: last, directories: { [dirId]: cf } });
    }
    await h.doc('users', { first_name: 'Not', last_name: 'Listed' });
  });
  after(async () => {
    await h?.stop();
  });

  it('one match: branches to that user\'s callflow', async () => {
    const n = await h.callflow({ module: 'directory', data: { id: dirId } });
    const caller = await h.call(n);
    await caller.waitPlayback('PlaybackStarted', PROMPT);
    await caller.sendDtmf('7648#');
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(steps(rec).map((s) => s[0] + ':' + s[1].split(' ')[0])).to.deep.equal(['directory:branch', 'play:_']);
    expect(rec.trace[0].reason).to.contain('Ann Smith');
  });

  it('several matches are read out: 2 skips to the next, 1 connects', async () => {
    const n = await h.callflow({ module: 'directory', data: { id: dirId } });
    const caller = await h.call(n);
    await caller.waitPlayback('PlaybackStarted', PROMPT);
    await caller.sendDtmf('566#');
    // Jonas first (sorted by last name): skip it.
    await until('first result menu', () => started(caller, 'sound:dir-instr') >= 1, 10_000);
    await caller.sendDtmf('2');
    await until('second result menu', () => started(caller, 'sound:dir-instr') >= 2, 10_000);
    await caller.sendDtmf('1');
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-weasels', 10_000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].result).to.equal('branch');
    expect(rec.trace[0].reason).to.contain('Bob Jones');
  });

  it('0 at the first prompt leaves to `_`', async () => {
    const n = await h.callflow({ module: 'directory', data: { id: dirId }, children: { _: { module: 'play', data: { id: 'beep' } } } });
    const caller = await h.call(n);
    await caller.waitPlayback('PlaybackStarted', PROMPT);
    await caller.sendDtmf('0#');
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 10_000);
    await caller.hangup();
    expect((await h.record(caller.peerId)).trace[0]).to.include({ module: 'directory', result: '_' });
  });

  it('three attempts without a match hang up', async () => {
    const n = await h.callflow({ module: 'directory', data: { id: dirId }, children: { _: { module: 'play', data: { id: 'beep' } } } });
    const caller = await h.call(n);
    for (let i = 1; i <= 3; i++) {
      await until(`prompt #${i}`, () => started(caller, PROMPT) >= i, 10_000);
      await caller.sendDtmf('999#');
    }
    await caller.waitEnded(15_000);
    expect(steps(await h.record(caller.peerId))).to.deep.equal([['directory', 'stop']]);
  });

  it('a missing directory → `_`', async () => {
    const n = await h.callflow({ module: 'directory', data: { id: 'ffffffffffffffffffffffffffffffff' }, children: { _: { module: 'play', data: { id: 'beep' } } } });
    const caller = await h.call(n);
    await caller.waitPlayback('PlaybackFinished', 'sound:beep');
    await caller.hangup();
    expect((await h.record(caller.peerId)).trace[0]).to.include({ module: 'directory', result: '_', reason: 'directory not found' });
  });
});
