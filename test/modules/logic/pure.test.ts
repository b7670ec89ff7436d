// Table tests of the pure logic behind the caller-ID and branching modules.
import { expect } from 'chai';
import { deepMerge, isRestricted, ownerIdOf } from '../../../lib/branching/calling-endpoint.ts';
import { huntAllowed } from '../../../lib/branching/hunt.ts';
import { normalizeKey, normalizeKeys, valueAsKey, variablePath, getPath, cavValue } from '../../../lib/branching/variables.ts';
import {
  entryName,
  listMatches,
  longestPrefixEntry,
  lookupName,
  normalizeList,
  numberPrefixes,
  selectListEntry,
  type MatchList,
} from '../../../lib/callerid/match-lists.ts';
import { effectiveCallerId, initialState, mergePrivacy, prepend, privacyFlags, resetPrefix, rewrite } from '../../../lib/callerid/state.ts';

describe('caller-ID state', () => {
  const base = initialState({ name: 'Alice', number: '5551234' });

  it('layers prefix, then rewrite, then privacy', () => {
    const cases: [string, ReturnType<typeof initialState>, string, string][] = [
      ['untouched', base, 'Alice', '5551234'],
      ['prefixed', prepend(base, { name: 'Sales:', number: '9' }, 'current'), 'Sales:Alice', '95551234'],
      ['prefixes accumulate (current)', prepend(prepend(base, { name: 'A:', number: '' }, 'current'), { name: 'B:', number: '' }, 'current'), 'B:A:Alice', '5551234'],
      ['original replaces', prepend(prepend(base, { name: 'A:', number: '1' }, 'current'), { name: 'B:', number: '' }, 'original'), 'B:Alice', '5551234'],
      ['reset', resetPrefix(prepend(base, { name: 'A:', number: '1' }, 'current')), 'Alice', '5551234'],
      ['rewrite beats prefix', rewrite(prepend(base, { name: 'A:', number: '1' }, 'current'), { name: 'Main', number: '' }), 'Main', '15551234'],
      ['empty rewrite removes it', rewrite(rewrite(base, { name: 'X', number: '1' }), { name: '', number: '' }), 'Alice', '5551234'],
      ['privacy full', { ...base, privacy: privacyFlags('full') }, 'anonymous', '0000000000'],
      ['privacy name', { ...rewrite(base, { name: 'X', number: '1' }), privacy: privacyFlags('name') }, 'anonymous', '1'],
      ['privacy number', { ...base, privacy: privacyFlags('number') }, 'Alice', '0000000000'],
    ];
    for (const [what, state, name, number] of cases) {
      const cid = effectiveCallerId(state);
      expect([cid.name, cid.number], what).to.deep.equal([name, number]);
    }
  });

  it('maps privacy modes and merges them', () => {
    expect(privacyFlags('yes')).to.deep.equal({ hide_name: true, hide_number: true });
    expect(privacyFlags('none')).to.deep.equal({ hide_name: false, hide_number: false });
    expect(privacyFlags(undefined)).to.deep.equal({ hide_name: true, hide_number: true });
    expect(mergePrivacy(privacyFlags('name'), privacyFlags('number'))).to.deep.equal({ hide_name: true, hide_number: true });
    expect(effectiveCallerId({ ...base, privacy: privacyFlags('number') }).numberPresentation).to.equal('prohib');
    expect(effectiveCallerId({ ...base, privacy: privacyFlags('number') }).namePresentation).to.equal('allowed');
  });
});

describe('match lists', () => {
  const list: MatchList = normalizeList({
    _id: 'l1',
    entries: [
      { number: '1415', displayname: 'San Francisco' },
      { number: '14155550', name: 'Acme HQ' },
      { prefix: '+44', cid_name: 'UK' },
      { pattern: '^1212\\d{7}$', firstname: 'New', lastname: 'York' },
      { pattern: '(unclosed' },
      { number: '1800' },
    ],
  })!;

  it('builds the prefixes Kazoo looks up', () => {
    expect(numberPrefixes('+1415')).to.deep.equal(['1415', '141', '14', '1']);
    expect(numberPrefixes('')).to.deep.equal([]);
  });

  it('reads array and object entries, object keys standing in for capture_group_key', () => {
    expect(normalizeList(undefined)).to.equal(undefined);
    const obj = normalizeList({ _id: 'x', length: '3', entries: { '01': { number: '+1555' }, k: { capture_group_key: '02' }, bad: 7 } })!;
    expect(obj.length).to.equal(3);
    expect(obj.entries.map((e) => e.capture_group_key)).to.deep.equal(['01', '02']);
    expect(normalizeList({ _id: 'y', length: 0 })!.entries).to.deep.equal([]);
    expect(normalizeList({ _id: 'y', length: 0 })!.length).to.equal(undefined);
  });

  it('matches by longest prefix (with or without +) and by regex', () => {
    const table: [string, boolean][] = [
      ['+14155550100', true],
      ['14159999999', true],
      ['+442079460000', true],
      ['12125551234', true],
      ['12125551234999', false],
      ['+33123456789', false],
      ['', false],
    ];
    for (const [number, expected] of table) expect(listMatches(list, number), number).to.equal(expected);
    expect(longestPrefixEntry(list.entries, '+14155550100')?.name).to.equal('Acme HQ');
    expect(listMatches(undefined, '1415')).to.equal(false);
  });

  it('names entries from displayname, name, cid_name, first + last', () => {
    expect(list.entries.map(entryName)).to.deep.equal(['San Francisco', 'Acme HQ', 'UK', 'New York', undefined, undefined]);
  });

  it('looks names up: prefixes of the first list that has one, then regexes', () => {
    const other = normalizeList({ _id: 'l2', entries: [{ number: '14155550100', displayname: 'Exact elsewhere' }, { pattern: '^1800', name: 'Toll free' }] })!;
    expect(lookupName([list, other], '+14155550100')).to.equal('Acme HQ');
    expect(lookupName([other, list], '+14155550100')).to.equal('Exact elsewhere');
    expect(lookupName([list, other], '18005551212')).to.equal('Toll free'); // the 1800 prefix entry has no name
    expect(lookupName([list], '12125551234')).to.equal('New York');
    expect(lookupName([list], '+33123')).to.equal(undefined);
    expect(lookupName([], '1415')).to.equal(undefined);
  });

  it('selects dynamic_cid entries by key and splits the destination', () => {
    const cids = normalizeList({
      _id: 'c',
      entries: [
        { capture_group_key: '01', name: 'Office', number: '+15550001' },
        { capture_group_key: '123', capture_group_length: 3, number: '+15550123' },
      ],
    })!;
    expect(selectListEntry(cids, '015149072508')).to.deep.include({ key: '01', destination: '5149072508' });
    expect(selectListEntry(cids, '015149072508')?.entry?.name).to.equal('Office');
    expect(selectListEntry(cids, '1234567')).to.deep.include({ key: '123', destination: '4567' });
    const none = selectListEntry(cids, '995551234');
    expect(none).to.deep.equal({ key: '99', destination: '5551234' });
    expect(selectListEntry(cids, '0')).to.equal(undefined);
    expect(selectListEntry({ ...cids, length: 4 }, '999912')).to.deep.equal({ key: '9999', destination: '12' });
    expect(selectListEntry(cids, '5551234', { idxName: 'k', groups: { k: '01' } })).to.deep.include({ key: '01', destination: '5551234' });
    expect(selectListEntry(cids, '5551234', { idxName: 'k', groups: undefined })).to.equal(undefined);
  });
});

describe('call variables', () => {
  it('normalises keys like kz_json', () => {
    expect(normalizeKey('Call-Priority')).to.equal('call_priority');
    expect(normalizeKeys({ 'Group-ID': { 'A-b': 1 }, x: [{ 'C-D': 2 }] })).to.deep.equal({ group_id: { a_b: 1 }, x: [{ c_d: 2 }] });
  });

  it('reads variable names and paths', () => {
    expect(variablePath('Call-Priority', true)).to.deep.equal(['call_priority']);
    expect(variablePath(['caller_id', '', 'internal', 3], false)).to.deep.equal(['caller_id', 'internal']);
    expect(variablePath('', true)).to.equal(undefined);
    expect(variablePath([], true)).to.equal(undefined);
    expect(variablePath({ a: 1 }, true)).to.equal(undefined);
    expect(getPath({ a: { b: 'x' } }, ['a', 'b'])).to.equal('x');
    expect(getPath({ a: 'x' }, ['a', 'b'])).to.equal(undefined);
    expect(getPath(undefined, ['a'])).to.equal(undefined);
  });

  it('turns values into child keys and CAV values', () => {
    const table: [unknown, string | undefined][] = [
      ['gold', 'gold'],
      ['', undefined],
      [7, '7'],
      [true, 'true'],
      [false, 'false'],
      [null, undefined],
      [{ a: 1 }, undefined],
      [['x'], undefined],
      [Number.NaN, undefined],
    ];
    for (const [v, k] of table) expect(valueAsKey(v), JSON.stringify(v)).to.equal(k);
    expect(cavValue('')).to.equal('');
    expect(cavValue(3)).to.equal('3');
    expect(cavValue(null)).to.equal(undefined);
  });
});

describe('hunting and restrictions', () => {
  it('applies hunt_allow / hunt_deny like Kazoo', () => {
    const table: [string, string | undefined, string | undefined, boolean][] = [
      ['2001', undefined, undefined, true],
      ['2001', '^2\\d{3}$', undefined, true],
      ['3001', '^2\\d{3}$', undefined, false],
      ['2001', undefined, '^20', false],
      ['2101', '^2', '^20', true],
      ['2001', '(bad', undefined, false], // invalid allow denies
      ['2001', undefined, '(bad', true], // invalid deny allows
      ['2001', '', '', true],
    ];
    for (const [n, allow, deny, ok] of table) expect(huntAllowed(n, allow, deny), `${n} ${allow} ${deny}`).to.equal(ok);
  });

  it('merges call restrictions: account/user deny, user allow, device value', () => {
    const deny = { call_restriction: { international: { action: 'deny' } } };
    const allow = { call_restriction: { international: { action: 'allow' } } };
    const intl = '+442079460000';
    expect(isRestricted({}, intl)).to.equal(false);
    expect(isRestricted({ account: deny }, intl)).to.equal(true);
    expect(isRestricted({ user: deny, device: allow }, intl)).to.equal(true);
    expect(isRestricted({ user: allow, device: deny }, intl)).to.equal(false);
    expect(isRestricted({ device: deny }, intl)).to.equal(true);
    expect(isRestricted({ device: deny }, '+14155550100')).to.equal(false);
  });

  it('merges endpoint documents and finds the owner', () => {
    expect(deepMerge({ a: 1, c: { x: 1, y: 1 } }, { a: '', c: { y: 2 } }, { _id: 'u', pvt_type: 'user', b: 2 })).to.deep.equal({ a: 1, c: { x: 1, y: 2 }, b: 2 });
    expect(ownerIdOf({ owner_id: 'u1' })).to.equal('u1');
    expect(ownerIdOf({ owner_id: 'u1', hotdesk: { users: { u2: {} } } })).to.equal('u2');
    expect(ownerIdOf(undefined)).to.equal(undefined);
  });
});
