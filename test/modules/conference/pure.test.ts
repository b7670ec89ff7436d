// Table tests of the pure conference and paging logic: dial-in numbers and PINs → role, participant settings,
// entry/exit tones, waiting for a moderator, the "conference full" media, the auto-answer headers per phone
// vendor, and which page legs barge_calls leaves alone.
import { expect } from 'chai';
import {
  DEFAULT_ENTRY_TONE,
  fullMedia,
  moderatorWait,
  needsPin,
  numberMatch,
  participantSettings,
  pinsOf,
  roleForPin,
  toneRef,
  type Role,
} from '../../../lib/conference/rules.ts';
import { AUTO_ANSWER_HEADERS, autoAnswerHeaders, vendorOf } from '../../../lib/paging/auto-answer.ts';
import { leaveBusyAlone, sipUserOf } from '../../../lib/paging/barge.ts';

type Doc = Record<string, unknown>;

const conf: Doc = {
  conference_numbers: ['3000'],
  member: { numbers: ['3001'], pins: ['1111', ' 1212 '], join_muted: true },
  moderator: { numbers: ['3002'], pins: ['2222'], join_deaf: true, play_entry_prompt: false },
};
const open: Doc = { conference_numbers: ['4000'] };
const modOnly: Doc = { moderator: { pins: ['9'] } };
const shared: Doc = { member: { pins: ['5'] }, moderator: { pins: ['5', '6'] } };

describe('conference and paging: pure logic', () => {
  describe('pinsOf', () => {
    const cases: [Doc, Role, string[]][] = [
      [conf, 'member', ['1111', '1212']],
      [conf, 'moderator', ['2222']],
      [open, 'member', []],
      [{ member: { pins: 'nope' } }, 'member', []],
      [{ member: { pins: ['1', 2, '', null] } }, 'member', ['1']],
      [{ member: ['1'] }, 'member', []],
    ];
    for (const [doc, role, want] of cases) it(`${JSON.stringify(doc[role])} (${role}) → ${JSON.stringify(want)}`, () => expect(pinsOf(doc, role)).to.deep.equal(want));
  });

  describe('numberMatch', () => {
    const cases: [Doc, string, { role?: Role } | undefined][] = [
      [conf, '3002', { role: 'moderator' }],
      [conf, '3001', { role: 'member' }],
      [conf, '3000', {}],
      [conf, '3003', undefined],
      [conf, '', undefined],
      [open, '4000', {}],
      [{ conference_numbers: ['5'], moderator: { numbers: ['5'] } }, '5', { role: 'moderator' }],
      [{ member: { numbers: ['6'] }, conference_numbers: ['6'] }, '6', { role: 'member' }],
    ];
    for (const [doc, number, want] of cases) it(`${JSON.stringify(number)} in ${JSON.stringify(doc)} → ${JSON.stringify(want)}`, () => expect(numberMatch(doc, number)).to.deep.equal(want));
  });

  describe('needsPin', () => {
    const cases: [Doc, Role | undefined, boolean][] = [
      [conf, 'member', true],
      [conf, 'moderator', true],
      [conf, undefined, true],
      [open, undefined, false],
      [open, 'member', false],
      [modOnly, 'member', false],
      [modOnly, 'moderator', true],
      [modOnly, undefined, true],
    ];
    for (const [doc, role, want] of cases) it(`${JSON.stringify(doc)} as ${role} → ${want}`, () => expect(needsPin(doc, role)).to.equal(want));
  });

  describe('roleForPin', () => {
    const cases: [Doc, Role | undefined, string, Role | undefined][] = [
      [conf, undefined, '1111', 'member'],
      [conf, undefined, '1212', 'member'],
      [conf, undefined, '2222', 'moderator'],
      [conf, undefined, '3333', undefined],
      [conf, undefined, '', undefined],
      [conf, 'member', '2222', undefined],
      [conf, 'moderator', '1111', undefined],
      [conf, 'moderator', '2222', 'moderator'],
      // A PIN of both roles: the member wins (Kazoo checks member PINs first).
      [shared, undefined, '5', 'member'],
      [shared, undefined, '6', 'moderator'],
      [modOnly, undefined, '9', 'moderator'],
    ];
    for (const [doc, role, pin, want] of cases) it(`${JSON.stringify(pin)} as ${role} in ${JSON.stringify(doc)} → ${want}`, () => expect(roleForPin(doc, role, pin)).to.equal(want));
  });

  describe('participantSettings', () => {
    const cases: [Doc, Role, ReturnType<typeof participantSettings>][] = [
      [conf, 'member', { joinMuted: true, joinDeaf: false, playEntryPrompt: true }],
      [conf, 'moderator', { joinMuted: false, joinDeaf: true, playEntryPrompt: false }],
      [open, 'member', { joinMuted: false, joinDeaf: false, playEntryPrompt: true }],
      [{ member: { join_muted: 'true' } }, 'member', { joinMuted: false, joinDeaf: false, playEntryPrompt: true }],
    ];
    for (const [doc, role, want] of cases) it(`${JSON.stringify(doc[role])} (${role})`, () => expect(participantSettings(doc, role)).to.deep.equal(want));
  });

  describe('toneRef', () => {
    const cases: [unknown, unknown, string | undefined][] = [
      [undefined, undefined, DEFAULT_ENTRY_TONE],
      [true, undefined, DEFAULT_ENTRY_TONE],
      ['true', undefined, DEFAULT_ENTRY_TONE],
      [false, true, undefined],
      ['false', undefined, undefined],
      [undefined, false, undefined],
      [undefined, 'beep', 'beep'],
      [' beep ', false, 'beep'],
      [true, 'beep', DEFAULT_ENTRY_TONE],
      ['', undefined, DEFAULT_ENTRY_TONE],
      [3, undefined, DEFAULT_ENTRY_TONE],
    ];
    for (const [mod, doc, want] of cases) it(`module ${JSON.stringify(mod)}, document ${JSON.stringify(doc)} → ${want}`, () => expect(toneRef(mod, doc, DEFAULT_ENTRY_TONE)).to.equal(want));
  });

  describe('moderatorWait', () => {
    const cases: [Doc, 'first' | 'always' | undefined][] = [
      [{}, undefined],
      [{ wait_for_moderator: true }, 'first'],
      [{ wait_for_moderator: 'true' }, 'first'],
      [{ wait_for_moderator: false }, undefined],
      [{ require_moderator: true }, 'always'],
      [{ require_moderator: true, wait_for_moderator: true }, 'always'],
      [{ require_moderator: true, wait_for_moderator: false }, 'always'],
      [{ require_moderator: false, wait_for_moderator: true }, 'first'],
      [{ require_moderator: 1 }, undefined],
    ];
    for (const [doc, want] of cases) it(`${JSON.stringify(doc)} → ${want}`, () => expect(moderatorWait(doc)).to.equal(want));
  });

  describe('fullMedia', () => {
    const cases: [Doc, string][] = [
      [{}, 'conf-max_participants'],
      [{ max_members_media: 'silence/1' }, 'silence/1'],
      [{ max_members_media: ' 0123456789abcdef0123456789abcdef ' }, '0123456789abcdef0123456789abcdef'],
      [{ max_members_media: '' }, 'conf-max_participants'],
      [{ max_members_media: 7 }, 'conf-max_participants'],
    ];
    for (const [doc, want] of cases) it(`${JSON.stringify(doc)} → ${want}`, () => expect(fullMedia(doc)).to.equal(want));
  });

  describe('vendorOf / autoAnswerHeaders', () => {
    const cases: [Doc, string][] = [
      [{}, 'generic'],
      [{ provision: { endpoint_brand: 'Yealink' } }, 'yealink'],
      [{ provision: { endpoint_brand: ' polycom ' } }, 'polycom'],
      [{ provision: { endpoint_brand: 'acme' } }, 'generic'],
      [{ sip: { auto_answer: 'rfc5373' }, provision: { endpoint_brand: 'polycom' } }, 'rfc5373'],
      [{ sip: { auto_answer: 'bogus' }, provision: { endpoint_brand: 'snom' } }, 'snom'],
      [{ sip: 'x', provision: ['polycom'] }, 'generic'],
    ];
    for (const [device, want] of cases) {
      it(`${JSON.stringify(device)} → ${want}`, () => {
        expect(vendorOf(device)).to.equal(want);
        expect(autoAnswerHeaders(device)).to.deep.equal(AUTO_ANSWER_HEADERS[want]);
      });
    }
    it('returns a copy (a leg may change its headers)', () => {
      const h = autoAnswerHeaders({});
      h['Alert-Info'] = 'changed';
      expect(AUTO_ANSWER_HEADERS.generic['Alert-Info']).to.equal('info=alert-autoanswer');
    });
    it('every vendor asks for auto-answer with at least one header', () => {
      for (const [vendor, headers] of Object.entries(AUTO_ANSWER_HEADERS)) expect(Object.keys(headers), vendor).to.not.be.empty;
    });
  });

  describe('barge_calls: sipUserOf / leaveBusyAlone', () => {
    const devices = new Map<string, Doc>([
      ['d1', { sip: { username: 'alice' } }],
      ['d2', { sip: { username: ' bob ' } }],
      ['d3', { sip: {} }],
    ]);
    const legs = [{ id: 'd1' }, { id: 'd2' }, { id: 'd3' }, { id: 'd4' }];
    const cases: [string[], boolean, string[], string[]][] = [
      [[], false, ['d1', 'd2', 'd3', 'd4'], []],
      [['alice'], false, ['d2', 'd3', 'd4'], ['d1']],
      [['alice', 'bob'], false, ['d3', 'd4'], ['d1', 'd2']],
      [['alice', 'bob'], true, ['d1', 'd2', 'd3', 'd4'], []],
      [['carol'], false, ['d1', 'd2', 'd3', 'd4'], []],
    ];
    for (const [busy, barge, paged, skipped] of cases) {
      it(`busy ${JSON.stringify(busy)}, barge ${barge} → pages ${paged.join(',')}`, () => {
        const got = leaveBusyAlone(legs, devices, new Set(busy), barge);
        expect(got.legs.map((l) => l.id)).to.deep.equal(paged);
        expect(got.skipped).to.deep.equal(skipped.map((id) => ({ id, reason: 'busy' })));
      });
    }
    const users: [Doc | undefined, string | undefined][] = [
      [{ sip: { username: 'alice' } }, 'alice'],
      [{ sip: { username: '  ' } }, undefined],
      [{ sip: ['alice'] }, undefined],
      [{}, undefined],
      [undefined, undefined],
    ];
    for (const [device, want] of users) it(`sipUserOf ${JSON.stringify(device)} → ${want}`, () => expect(sipUserOf(device)).to.equal(want));
  });
});
