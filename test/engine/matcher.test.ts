import { expect } from 'chai';
import { RouteTable } from '../../lib/engine/matcher.ts';

const table = new RouteTable([
  { callflowId: 'main', numbers: ['+14155550100', '2000'], patterns: [] },
  { callflowId: 'ext', numbers: [], patterns: ['^(2\\d{3})$'] },
  { callflowId: 'vm', numbers: [], patterns: ['^\\*97$'] },
  { callflowId: 'vmcheck', numbers: [], patterns: ['^\\*98(\\d+)$'] },
  { callflowId: 'park', numbers: [], patterns: ['^\\*3(?<slot>\\d{3})$'] },
  { callflowId: 'intl', numbers: [], patterns: ['^\\+?(\\d{7,15})$'] },
  { callflowId: 'us', numbers: [], patterns: ['^\\+1(\\d{10})$'] },
  { callflowId: 'bad', numbers: [], patterns: ['^(unclosed'] },
  { callflowId: 'outbound', numbers: ['no_match'], patterns: [] },
]);

describe('callflow matching (Kazoo precedence)', () => {
  const cases: { dialled: string; allowNoMatch?: boolean; id: string | undefined; via?: string; capture?: string }[] = [
    { dialled: '+14155550100', id: 'main', via: 'number' },
    { dialled: '2000', id: 'main', via: 'number' }, // exact number beats the 2xxx pattern
    { dialled: '2001', id: 'ext', via: 'pattern', capture: '2001' },
    { dialled: '*97', id: 'vm', via: 'pattern', capture: '*97' }, // group-less: whole match, length 3
    { dialled: '*981234', id: 'vmcheck', via: 'pattern', capture: '1234' },
    { dialled: '*3101', id: 'park', via: 'pattern', capture: '101' },
    // +14155551234: `intl` captures 11 digits, `us` captures 10 → the longest captured group wins.
    { dialled: '+14155551234', id: 'intl', via: 'pattern', capture: '14155551234' },
    { dialled: '12345', id: undefined }, // all digits, nothing matches, no_match not allowed (carrier)
    { dialled: '12345', allowNoMatch: true, id: 'outbound', via: 'no_match' },
    { dialled: 'abc', allowNoMatch: true, id: undefined }, // no_match only for all-digit numbers
    { dialled: '', allowNoMatch: true, id: undefined },
  ];
  for (const c of cases) {
    it(`${c.dialled || '(empty)'}${c.allowNoMatch ? ' (device)' : ''} → ${c.id ?? 'nothing'}`, () => {
      const m = table.match(c.dialled, { allowNoMatch: !!c.allowNoMatch });
      expect(m?.callflowId).to.equal(c.id);
      if (c.via) expect(m?.via).to.equal(c.via);
      if (c.capture !== undefined) expect(m?.captureGroup).to.equal(c.capture);
    });
  }

  it('keeps named capture groups', () => {
    expect(table.match('*3101', { allowNoMatch: false })?.captureGroups).to.deep.equal({ slot: '101' });
  });

  it('ignores invalid patterns and reports them', () => {
    expect(table.invalidPatterns).to.deep.equal([{ callflowId: 'bad', pattern: '^(unclosed' }]);
  });

  it('on a tie keeps the pattern listed first', () => {
    const t = new RouteTable([
      { callflowId: 'a', numbers: [], patterns: ['^(\\d{4})$'] },
      { callflowId: 'b', numbers: [], patterns: ['^(\\d{4})'] },
    ]);
    expect(t.match('1234', { allowNoMatch: false })?.callflowId).to.equal('a');
  });

  it('runs PCRE-only spellings with their PCRE meaning', () => {
    const t = new RouteTable([{ callflowId: 'a', numbers: [], patterns: ['\\A(?<ext>\\d+)\\z'] }]);
    expect(t.match('42', { allowNoMatch: false })?.captureGroups).to.deep.equal({ ext: '42' });
    expect(t.match('42x', { allowNoMatch: false })).to.equal(undefined);
  });
});
