// Call-tracking pure logic: criteria (match modes, attributes, caller history), ZIP rules, area codes,
// landing parameters, per-node stats replay, stats date parsing.
import { expect } from 'chai';
import { allMatch, areaCode, criterionMatches, knownCaller, queryParams, textMatches, type CallFacts, type Criterion } from '../../lib/tracking/criteria.ts';
import { isZip, routeZip, ruleMatches, type ZipRule } from '../../lib/tracking/zip.ts';
import { nodeStats, qualifiedRuleOf } from '../../lib/tracking/stats.ts';
import { parseInstant } from '../../lib/api/routes/tracking.ts';

const facts = (over: Partial<CallFacts> = {}): CallFacts => ({
  attribution: {
    kind: 'visitor_session',
    number: '+15125550100',
    source: 'Google Ads',
    medium: 'cpc',
    campaign: 'spring-sale',
    keyword: 'emergency plumber',
    referrer: 'https://www.google.com/',
    landing_page: 'https://example.com/plumbing?utm_source=google&gclid=abc',
    active_page: 'https://example.com/contact',
  },
  tags: ['vip', 'spanish'],
  cav: { customer_tier: 'gold' },
  callerNumber: '+15125551234',
  zip: '78701',
  priorCalls: new Map([
    [0, 2],
    [7, 0],
  ]),
  ...over,
});

describe('tracking criteria', () => {
  const table: Array<[string, Criterion, boolean]> = [
    ['source equals (case-insensitive)', { type: 'source', value: 'google ads' }, true],
    ['source equals other', { type: 'source', value: 'bing' }, false],
    ['source any of values', { type: 'source', values: ['bing', 'Google Ads'] }, true],
    ['source contains', { type: 'source', value: 'goog', match: 'contains' }, true],
    ['source prefix', { type: 'source', value: 'ads', match: 'prefix' }, false],
    ['source regex', { type: 'source', value: '^google\\s', match: 'regex' }, true],
    ['bad regex never matches', { type: 'source', value: '(', match: 'regex' }, false],
    ['medium', { type: 'medium', value: 'cpc' }, true],
    ['campaign', { type: 'campaign', value: 'spring-sale' }, true],
    ['keyword contains', { type: 'keyword', value: 'plumber', match: 'contains' }, true],
    ['referrer contains by default', { type: 'referrer', value: 'google.com' }, true],
    ['landing page contains by default', { type: 'landing_page', value: '/plumbing' }, true],
    ['landing page equals', { type: 'landing_page', value: '/plumbing', match: 'equals' }, false],
    ['active page', { type: 'active_page', value: 'contact' }, true],
    ['landing param', { type: 'landing_param', param: 'utm_source', value: 'google' }, true],
    ['landing param exists', { type: 'landing_param', param: 'gclid', match: 'exists' }, true],
    ['landing param missing', { type: 'landing_param', param: 'fbclid', match: 'exists' }, false],
    ['landing param without name', { type: 'landing_param', value: 'google' }, false],
    ['tag', { type: 'tag', value: 'VIP' }, true],
    ['tag absent', { type: 'tag', value: 'blocked' }, false],
    ['cav', { type: 'cav', name: 'customer_tier', value: 'gold' }, true],
    ['cav absent', { type: 'cav', name: 'other', value: 'gold' }, false],
    ['area code', { type: 'area_code', values: ['512', '737'] }, true],
    ['zip prefix', { type: 'zip', value: '787', match: 'prefix' }, true],
    ['caller id regex', { type: 'caller_id', value: '^\\+1512', match: 'regex' }, true],
    ['tracking number', { type: 'tracking_number', value: '+15125550100' }, true],
    ['repeat caller (all time)', { type: 'repeat_caller' }, true],
    ['repeat caller, min 3 calls', { type: 'repeat_caller', min_calls: 3 }, false],
    ['first-time caller (all time)', { type: 'first_time_caller' }, false],
    ['first-time caller within 7 days', { type: 'first_time_caller', within_days: 7 }, true],
    ['negated', { type: 'source', value: 'bing', negate: true }, true],
  ];
  for (const [name, c, expected] of table) {
    it(`${name} → ${expected}`, () => expect(criterionMatches(c, facts())).to.equal(expected));
  }

  it('needs every criterion to match; an empty list matches every call', () => {
    expect(allMatch([{ type: 'source', value: 'google ads' }, { type: 'campaign', value: 'spring-sale' }], facts())).to.equal(true);
    expect(allMatch([{ type: 'source', value: 'google ads' }, { type: 'campaign', value: 'fall' }], facts())).to.equal(false);
    expect(allMatch([], facts())).to.equal(true);
    expect(allMatch(undefined, facts())).to.equal(true);
  });

  it('a call without attribution or history matches no attribute and neither caller kind', () => {
    const bare = facts({ attribution: undefined, priorCalls: undefined });
    expect(criterionMatches({ type: 'source', value: 'google ads' }, bare)).to.equal(false);
    expect(criterionMatches({ type: 'source', match: 'exists' }, bare)).to.equal(false);
    expect(criterionMatches({ type: 'first_time_caller' }, bare)).to.equal(false);
    expect(criterionMatches({ type: 'repeat_caller' }, bare)).to.equal(false);
  });

  it('reads landing parameters from the landing page when none were given', () => {
    const f = facts();
    f.attribution = { kind: 'tracking_number', number: '1', landing_page: '/x?utm_campaign=a%20b' };
    expect(criterionMatches({ type: 'landing_param', param: 'utm_campaign', value: 'a b' }, f)).to.equal(true);
  });

  it('textMatches modes', () => {
    expect(textMatches(undefined, 'a', 'equals')).to.equal(false);
    expect(textMatches('', 'a', 'exists')).to.equal(false);
    expect(textMatches('x', undefined, 'exists')).to.equal(true);
    expect(textMatches('x', undefined, 'equals')).to.equal(false);
  });

  it('area codes of North American numbers only', () => {
    const table: Array<[string, string | undefined]> = [
      ['+15125551234', '512'],
      ['15125551234', '512'],
      ['5125551234', '512'],
      ['(512) 555-1234', '512'],
      ['+442079460000', undefined],
      ['5551234', undefined],
      ['1125551234', undefined],
      ['', undefined],
    ];
    for (const [n, want] of table) expect(areaCode(n), n).to.equal(want);
  });

  it('known callers', () => {
    expect(knownCaller('5551234')).to.equal(true);
    expect(knownCaller('anonymous')).to.equal(false);
    expect(knownCaller('')).to.equal(false);
  });

  it('query parameters', () => {
    expect(queryParams('https://a.com/p?x=1&y=two&x=3')).to.deep.equal({ x: '1', y: 'two' });
    expect(queryParams('/p?__proto__=1')).to.have.own.property('__proto__');
    expect(queryParams(undefined)).to.deep.equal({});
  });
});

describe('zip rules', () => {
  const rules: ZipRule[] = [
    { key: 'manhattan', zips: ['10001', '10002'] },
    { key: 'texas', ranges: ['75000-79999', { from: 88510, to: 88589 }] },
    { key: 'chicago', prefixes: ['606'] },
    { key: 'reversed', ranges: [{ from: '99999', to: '99990' }] },
  ];
  const table: Array<[string, string | undefined]> = [
    ['10001', 'manhattan'],
    ['10003', undefined],
    ['78701', 'texas'],
    ['75000', 'texas'],
    ['79999', 'texas'],
    ['80000', undefined],
    ['88510', 'texas'],
    ['60614', 'chicago'],
    ['99995', 'reversed'],
    ['6061', undefined],
    ['abcde', undefined],
  ];
  for (const [zip, want] of table) it(`${zip} → ${want ?? 'none'}`, () => expect(routeZip(zip, rules)?.key).to.equal(want));
  it('first rule wins; invalid ZIPs never match', () => {
    expect(routeZip('10001', [{ key: 'a', prefixes: ['1'] }, { key: 'b', zips: ['10001'] }])?.key).to.equal('a');
    expect(isZip('1234')).to.equal(false);
    expect(isZip('12345')).to.equal(true);
    expect(ruleMatches('1234', { key: 'x', prefixes: ['1'] })).to.equal(false);
    expect(ruleMatches('12345', { key: 'x', ranges: ['junk'] })).to.equal(false);
  });
});

describe('stats helpers', () => {
  const flow = {
    module: 'responsive_route',
    data: {},
    children: {
      repeat: { module: 'play', data: {}, children: { _: { module: 'hangup', data: {} } } },
      _: { module: 'voicemail', data: {} },
    },
  };
  it('replays the ways through the tree into hits and outcomes per node', () => {
    const nodes = nodeStats(flow, [
      { steps: [{ m: 'responsive_route', r: 'repeat' }, { m: 'play', r: '_' }, { m: 'hangup', r: 'hard_stop' }], calls: 3 },
      { steps: [{ m: 'responsive_route', r: '_' }, { m: 'voicemail', r: 'stop' }], calls: 2 },
      // the tree changed since: the step that does not fit stops the replay
      { steps: [{ m: 'responsive_route', r: 'repeat' }, { m: 'device', r: 'stop' }], calls: 1 },
    ]);
    const by = Object.fromEntries(nodes.map((n) => [n.path, n]));
    expect(by.flow).to.deep.equal({ path: 'flow', module: 'responsive_route', hits: 6, outcomes: { repeat: 4, _: 2 } });
    expect(by['flow.children.repeat']).to.deep.include({ hits: 3, outcomes: { _: 3 } });
    expect(by['flow.children.repeat.children._']).to.deep.include({ module: 'hangup', hits: 3 });
    expect(by['flow.children._']).to.deep.include({ module: 'voicemail', hits: 2, outcomes: { stop: 2 } });
    expect(nodeStats(undefined, [{ steps: [{ m: 'x', r: '_' }], calls: 1 }])).to.deep.equal([]);
  });

  it('reads the qualified rule of a callflow', () => {
    expect(qualifiedRuleOf({})).to.equal(null);
    expect(qualifiedRuleOf({ qualified_call: { min_talk_seconds: '30' } })).to.deep.equal({ min_talk_seconds: 30 });
    expect(qualifiedRuleOf({ qualified_call: { tag: 'sale', require: 'all' } })).to.deep.equal({ tag: 'sale', require: 'all' });
    expect(qualifiedRuleOf({ qualified_call: { tag: '' } })).to.equal(null);
  });

  it('parses ISO dates, Gregorian and Unix seconds, and names the failing parameter', () => {
    expect(parseInstant('from', '2024-01-02T03:04:05Z')!.toISOString()).to.equal('2024-01-02T03:04:05.000Z');
    expect(parseInstant('from', '1704164645')!.toISOString()).to.equal('2024-01-02T03:04:05.000Z');
    expect(parseInstant('from', String(1704164645 + 62_167_219_200))!.toISOString()).to.equal('2024-01-02T03:04:05.000Z');
    expect(parseInstant('from', undefined)).to.equal(undefined);
    expect(() => parseInstant('to', 'yesterday')).to.throw().with.property('errors').that.has.property('to');
  });
});
