import { expect } from 'chai';
import {
  classifyNumber,
  isNoMatchCandidate,
  isReconcilable,
  normalizeCallflowNumber,
  normalizeNumber,
  stripNumberFormatting,
  type NumberClass,
} from '../../lib/validation/numbers.ts';

describe('numbers', () => {
  describe('normalizeNumber (Kazoo default e164 converters)', () => {
    const table: Array<[input: string, expected: string, why: string]> = [
      ['4155550100', '+14155550100', 'NANP 10 digits get +1'],
      ['14155550100', '+14155550100', 'NANP with leading 1'],
      ['+14155550100', '+14155550100', 'already E.164'],
      ['+442079460100', '+442079460100', 'foreign E.164 kept'],
      ['+1 415', '+1 415', 'anything starting with + is kept as is'],
      ['011442079460100', '+442079460100', '011 international prefix'],
      ['00442079460100', '+442079460100', '00 international prefix'],
      ['0044', '0044', '00 followed by fewer than 5 digits is not international'],
      ['01112', '01112', '011 followed by fewer than 5 digits'],
      ['442079460100', '+442079460100', '8+ digits starting 2-9 are taken as E.164 without +'],
      ['20012345', '+20012345', 'Kazoo quirk: an 8-digit extension becomes +…'],
      ['2001234', '2001234', '7 digits stay'],
      ['2001', '2001', 'short extension'],
      ['0', '0', 'operator extension'],
      ['*97', '*97', 'star code'],
      ['*72', '*72', 'star code'],
      ['no_match', 'no_match', 'catch-all literal'],
      ['1415555010', '1415555010', '10 digits starting with 1 are not NANP'],
      ['1234567890', '1234567890', 'NPA cannot start with 1'],
      ['4151555010', '+4151555010', 'not NANP (NXX starts with 1), but the 8+ digit rule applies'],
      ['12345678', '12345678', '8 digits starting with 1'],
      ['(415) 555-0100', '(415) 555-0100', 'formatting is not stripped by Kazoo'],
      ['', '', 'empty stays empty'],
    ];
    for (const [input, expected, why] of table) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(expected)} (${why})`, () => {
        expect(normalizeNumber(input)).to.equal(expected);
      });
    }

    it('is idempotent on every table entry', () => {
      for (const [input] of table) expect(normalizeNumber(normalizeNumber(input))).to.equal(normalizeNumber(input));
    });
  });

  describe('stripNumberFormatting', () => {
    const table: Array<[string, string]> = [
      ['(415) 555-0100', '4155550100'],
      ['+44 20 7946 0100', '+442079460100'],
      ['415.555.0100', '4155550100'],
      ['+1 (415) 555-0100', '+14155550100'],
      ['020\u00a07946\u00a00100', '02079460100'],
      ['*97', '*97'],
      ['2001', '2001'],
      ['no_match', 'no_match'],
      ['sip user', 'sip user'],
      ['415-CALL-NOW', '415-CALL-NOW'],
      ['1+2', '1+2'],
    ];
    for (const [input, expected] of table) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
        expect(stripNumberFormatting(input)).to.equal(expected);
      });
    }
  });

  describe('normalizeCallflowNumber', () => {
    const table: Array<[string, string]> = [
      ['(415) 555-0100', '+14155550100'],
      ['+44 20 7946 0100', '+442079460100'],
      ['00 44 20 7946 0100', '+442079460100'],
      ['2001', '2001'],
      ['*97', '*97'],
      ['no_match', 'no_match'],
    ];
    for (const [input, expected] of table) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
        expect(normalizeCallflowNumber(input)).to.equal(expected);
      });
    }
  });

  describe('classifyNumber', () => {
    const table: Array<[string, NumberClass]> = [
      ['+18005550100', 'tollfree_us'],
      ['8885550100', 'tollfree_us'],
      ['18335550100', 'tollfree_us'],
      ['+19005550100', 'toll_us'],
      ['911', 'emergency'],
      ['999', 'emergency'],
      ['+18095550100', 'caribbean'],
      ['8765550100', 'caribbean'],
      ['+14155550100', 'did_us'],
      ['4155550100', 'did_us'],
      ['+442079460100', 'international'],
      ['011442079460100', 'international'],
      ['2001', 'unknown'],
      ['*97', 'unknown'],
    ];
    for (const [input, cls] of table) {
      it(`${input} is ${cls}`, () => expect(classifyNumber(input)).to.equal(cls));
    }
  });

  describe('isNoMatchCandidate', () => {
    const table: Array<[string, boolean]> = [
      ['+14155550100', true],
      ['4155550100', true],
      ['2001', true],
      ['*97', false],
      ['+', false],
      ['', false],
      ['41555501OO', false],
      ['user@realm', false],
      ['++1', false],
    ];
    for (const [input, ok] of table) {
      it(`${JSON.stringify(input)} → ${ok}`, () => expect(isNoMatchCandidate(input)).to.equal(ok));
    }
  });

  describe('isReconcilable', () => {
    const table: Array<[string, boolean]> = [
      ['4155550100', true],
      ['+14155550100', true],
      ['+442079460100', true],
      ['00442079460100', true],
      ['2001', false],
      ['*97', false],
      ['no_match', false],
    ];
    for (const [input, ok] of table) {
      it(`${input} → ${ok}`, () => expect(isReconcilable(input)).to.equal(ok));
    }
  });
});
