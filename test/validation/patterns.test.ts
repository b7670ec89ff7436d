import { expect } from 'chai';
import { PatternError, compilePattern, patternError, translatePattern } from '../../lib/validation/patterns.ts';

describe('patterns (PCRE as stored by Kazoo → JavaScript)', () => {
  describe('valid patterns match like Kazoo', () => {
    const table: Array<[pattern: string, input: string, match: boolean, capture?: string]> = [
      ['^\\*97$', '*97', true],
      ['^\\*97([0-9]*)$', '*972001', true, '2001'],
      ['^\\+?1?([2-9]\\d{9})$', '+14155550100', true, '4155550100'],
      ['^(?P<ext>2\\d{3})$', '2001', true, '2001'],
      ['^(?<ext>2\\d{3})$', '2999', true, '2999'],
      ['^9(\\d{7,})$', '902079460100', true, '02079460100'],
      ['\\A2\\d{3}\\z', '2001', true],
      ['\\A2\\d{3}\\z', '2001\n', false],
      ['^2\\d{3}\\Z', '2001\n', true],
      ['^[]a]$', ']', true],
      ['^[^]a]$', 'b', true],
      ['^[^]a]$', ']', false],
      ['^[[:digit:]]{4}$', '2001', true],
      ['^[[:alpha:]_]+$', 'no_match', true],
      ['(?i)^main$', 'MAIN', true],
      ['^a(?#a comment)b$', 'ab', true],
      ['^(a)(?P=a)$', 'aa', false],
      ['^(?P<x>a)(?P=x)$', 'aa', true],
      ['^\\e$', '\u001b', true],
      ['^\\d+?$', '42', true],
      ['^\\-\\*$', '-*', true],
    ];
    for (const [pattern, input, match, capture] of table) {
      it(`${pattern} ${match ? 'matches' : 'does not match'} ${JSON.stringify(input)}`, () => {
        expect(patternError(pattern)).to.equal(undefined);
        const m = compilePattern(pattern).exec(input);
        expect(m !== null).to.equal(match);
        if (capture !== undefined) expect(m?.[1]).to.equal(capture);
      });
    }
  });

  describe('invalid or unsupported patterns are refused with a reason', () => {
    const table: Array<[pattern: string, reason: RegExp]> = [
      ['(', /unterminated|Unterminated/],
      ['[0-9', /class|Unterminated/i],
      ['*97', /repeat/i],
      ['^\\*97(', /unterminated/i],
      ['a{2,1}', /order|range/i],
      ['\\', /backslash/],
      ['', /empty/],
      ['^a++$', /possessive/],
      ['^a*+$', /possessive/],
      ['^a{2}+$', /possessive/],
      ['^(?>ab)$', /atomic/],
      ['^\\Qa.b\\E$', /\\Q/],
      ['^\\p{L}+$', /\\p/],
      ['^\\x{41}$', /\\x\{/],
      ['^\\h$', /\\h/],
      ['(?x) a b', /extended/],
      ['^a(?i)b$', /not supported/],
      ['^(?|a)$', /not supported/],
      ['^[[:foo:]]$', /POSIX/],
    ];
    for (const [pattern, reason] of table) {
      it(`${JSON.stringify(pattern)} is refused`, () => {
        expect(patternError(pattern)).to.match(reason);
        expect(() => compilePattern(pattern)).to.throw(PatternError);
      });
    }
  });

  it('translates without touching escapes JS accepts', () => {
    expect(translatePattern('^\\*\\d+$')).to.deep.equal({ source: '^\\*\\d+$', flags: '' });
    expect(translatePattern('(?P<n>1)')).to.deep.equal({ source: '(?<n>1)', flags: '' });
    expect(translatePattern('(?is)x')).to.deep.equal({ source: 'x', flags: 'is' });
  });
});
