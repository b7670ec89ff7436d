// Table tests of the pure logic behind device, user, ring_group and group: attribute merge, building the
// legs of a device, caller-ID selection, member expansion, ring orders, failure children and the dial's
// own rules (final cause, SIP codes, leg variables).
import { expect } from 'chai';
import type { LegCallerId } from '../../../lib/callcontrol/port.ts';
import { initialState, prepend, privacyFlags, rewrite } from '../../../lib/callerid/state.ts';
import { buildLegs, headersOf, type BuildProps, type CallerSide } from '../../../lib/legs/build.ts';
import { baseCallerId, legCallerId } from '../../../lib/legs/callerid.ts';
import { ownersOf, type Doc } from '../../../lib/legs/documents.ts';
import { mergeEndpoint, mergeRecursive } from '../../../lib/legs/merge.ts';
import { channelEndpoint, legVariables, pickFailure, sipCodeOf } from '../../../lib/asterisk/dial.ts';
import { dedupeTargets, groupMembers, isDisabledNow, sortByDelay, toMember } from '../../../lib/ringing/members.ts';
import { memberWeight, rotate, weightedOrder } from '../../../lib/ringing/order.ts';
import { failureChild } from '../../../lib/ringing/ring.ts';
import { rotationKey } from '../../../lib/ringing/rotation.ts';

const device = (extra: Record<string, unknown> = {}): Doc => ({ _id: 'dev1', sip: { username: 'alice1' }, ...extra });
const cid: LegCallerId = { number: '5551234', name: 'Caller' };
const fwdCid: LegCallerId = { number: '+15550000', name: 'Main line' };
const caller = (extra: Partial<CallerSide> = {}): CallerSide => ({
  ownerIds: [],
  onnet: false,
  callerId: cid,
  forwardCallerId: fwdCid,
  confirmMedia: ['sound:followme/options'],
  ...extra,
});
const props = (extra: Partial<BuildProps> = {}): BuildProps => ({ source: 'device', timeoutSec: 20, delaySec: 0, canCallSelf: false, suppressClid: false, ...extra });

describe('ringing: attribute merge (device ⊕ owner ⊕ account)', () => {
  it('merges recursively, later layers winning, empty values never overriding', () => {
    expect(mergeRecursive({ a: 1, b: { x: 1, y: 2 } }, { b: { y: 3, z: '' }, c: '' }, { b: {} })).to.deep.equal({ a: 1, b: { x: 1, y: 3 } });
  });

  it('do not disturb is on when the account, the user or the device has it', () => {
    const on = { do_not_disturb: { enabled: true } };
    const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, Record<string, unknown> | undefined, boolean][] = [
      ['nobody', {}, undefined, undefined, false],
      ['device', on, undefined, undefined, true],
      ['user', {}, { _id: 'u', ...on }, undefined, true],
      ['account', {}, { _id: 'u' }, on, true],
      ['string "true"', { do_not_disturb: { enabled: 'true' } }, undefined, undefined, true],
      ['explicitly off everywhere', { do_not_disturb: { enabled: false } }, { _id: 'u', do_not_disturb: { enabled: false } }, {}, false],
    ];
    for (const [name, d, owner, account, dnd] of cases) {
      expect(mergeEndpoint(device(d), owner as Doc | undefined, account).doNotDisturb, name).to.equal(dnd);
    }
  });

  it('call forward: the device\'s own when enabled, else account → device → user, with the API defaults', () => {
    const own = mergeEndpoint(device({ call_forward: { enabled: true, number: '111', substitute: false } }), { _id: 'u', call_forward: { enabled: true, number: '222' } }, undefined);
    expect(own.forward).to.include({ enabled: true, number: '111', substitute: false, requireKeypress: true, keepCallerId: true });
    const users = mergeEndpoint(device({ call_forward: { enabled: false, number: '111' } }), { _id: 'u', call_forward: { enabled: true, number: '222', require_keypress: false } }, undefined);
    expect(users.forward).to.include({ enabled: true, number: '222', substitute: true, requireKeypress: false });
    const account = mergeEndpoint(device(), { _id: 'u' }, { call_forward: { enabled: true, number: '333', keep_caller_id: 'false' } });
    expect(account.forward).to.include({ enabled: true, number: '333', keepCallerId: false, directCallsOnly: false, failover: false });
    expect(mergeEndpoint(device(), undefined, undefined).forward.enabled).to.equal(false);
  });

  it('caller ID: user beats device beats account (device first with prefer_device_caller_id); a user is known by name', () => {
    const dev = device({ caller_id: { internal: { number: '2001', name: 'Desk phone' }, external: { number: '+15551000' } } });
    const user = { _id: 'u', first_name: 'Ann', last_name: 'Lee', caller_id: { internal: { number: '2101' } } };
    const account = { caller_id: { external: { number: '+15559999', name: 'ACME' } } };
    expect(mergeEndpoint(dev, user, account).callerId).to.deep.equal({ internal: { number: '2101', name: 'Ann Lee' }, external: { number: '+15551000', name: 'ACME' } });
    expect(mergeEndpoint(dev, user, { ...account, prefer_device_caller_id: true }).callerId.internal).to.deep.equal({ number: '2001', name: 'Desk phone' });
    expect(mergeEndpoint(dev, undefined, undefined).callerId.internal).to.deep.equal({ number: '2001', name: 'Desk phone' });
  });

  it('ringtones merge account → device → user; a disabled or deleted device is not enabled', () => {
    const ep = mergeEndpoint(device({ ringtones: { internal: 'dev-int' } }), { _id: 'u', ringtones: { external: 'user-ext' } }, { ringtones: { internal: 'acct', external: 'acct' } });
    expect(ep.ringtones).to.deep.equal({ internal: 'dev-int', external: 'user-ext' });
    expect(mergeEndpoint(device({ enabled: false }), undefined, undefined).enabled).to.equal(false);
    expect(mergeEndpoint(device({ enabled: 'false' }), undefined, undefined).enabled).to.equal(false);
    expect(mergeEndpoint(device({ pvt_deleted: true }), undefined, undefined).enabled).to.equal(false);
  });

  it('a device belongs to its hot-desked users when there are any, else to its owner', () => {
    expect(ownersOf({ owner_id: 'o' })).to.deep.equal(['o']);
    expect(ownersOf({ owner_id: 'o', hotdesk: { users: { h1: {}, h2: {} } } })).to.deep.equal(['h1', 'h2']);
    expect(ownersOf({ owner_id: 'o', hotdesk: { users: {} } })).to.deep.equal(['o']);
    expect(ownersOf({})).to.deep.equal([]);
  });
});

describe('ringing: the legs of one device', () => {
  const build = (d: Doc, p: Partial<BuildProps> = {}, c: Partial<CallerSide> = {}, owner?: Doc, account?: Record<string, unknown>) =>
    buildLegs(mergeEndpoint(d, owner, account), props(p), caller(c));

  it('skips disabled, do-not-disturb and self-calling devices, in Kazoo\'s order', () => {
    const cases: [string, Doc, Partial<BuildProps>, Partial<CallerSide>, string | undefined][] = [
      ['plain', device(), {}, {}, undefined],
      ['disabled', device({ enabled: false }), {}, {}, 'disabled'],
      ['do not disturb', device({ do_not_disturb: { enabled: true } }), {}, {}, 'do_not_disturb'],
      ['calling itself', device(), {}, { deviceId: 'dev1' }, 'endpoint_called_self'],
      ['calling itself, allowed', device(), { canCallSelf: true }, { deviceId: 'dev1' }, undefined],
      ['owner calling own device', device({ owner_id: 'u1' }), {}, { ownerIds: ['u1'], deviceId: 'other' }, 'owner_called_self'],
      ['owner calling own device, allowed', device({ owner_id: 'u1' }), { canCallSelf: true }, { ownerIds: ['u1'] }, undefined],
      ['another owner', device({ owner_id: 'u2' }), {}, { ownerIds: ['u1'] }, undefined],
      ['hot-desked to the caller', device({ owner_id: 'u2', hotdesk: { users: { u1: {} } } }), {}, { ownerIds: ['u1'] }, 'owner_called_self'],
      ['no SIP user, no forward', { _id: 'dev1' }, {}, {}, 'no_endpoint'],
      ['self check before disabled', device({ enabled: false }), {}, { deviceId: 'dev1' }, 'endpoint_called_self'],
    ];
    for (const [name, d, p, c, reason] of cases) {
      const r = build(d, p, c);
      expect('skipped' in r ? r.skipped : undefined, name).to.equal(reason);
    }
  });

  it('dial strings: the PJSIP endpoint, static invite, route (Local or SIP URI)', () => {
    const endpointOf = (d: Doc, p: Partial<BuildProps> = {}) => {
      const r = build(d, p);
      return 'legs' in r ? r.legs[0].endpoint : r.skipped;
    };
    expect(endpointOf(device())).to.equal('PJSIP/alice1');
    expect(endpointOf(device(), { staticInvite: '2001' })).to.equal('PJSIP/2001@alice1');
    expect(endpointOf(device({ sip: { username: 'alice1', static_invite: '3001' } }))).to.equal('PJSIP/3001@alice1');
    expect(endpointOf(device(), { staticInvite: 'bad value;x' })).to.equal('PJSIP/alice1');
    expect(endpointOf({ _id: 'd', sip: { invite_format: 'route', route: 'Local/busy@sim' } })).to.equal('Local/busy@sim');
    expect(endpointOf({ _id: 'd', sip: { username: 'alice1', invite_format: 'route', route: 'sip:bob@example.com' } })).to.equal('PJSIP/alice1/sip:bob@example.com');
    expect(endpointOf({ _id: 'd', sip: { invite_format: 'route', route: 'sip:bob@example.com' } })).to.equal('no_endpoint');
    expect(endpointOf({ _id: 'd', sip: { invite_format: 'route', route: 'PJSIP/someone-else' } })).to.equal('no_endpoint');
    expect(endpointOf({ _id: 'd', sip: { username: 'bad user!' } })).to.equal('no_endpoint');
  });

  it('call forward: substitute replaces the phone, otherwise both ring; direct_calls_only is ignored by ring groups', () => {
    const fwd = (cf: Record<string, unknown>) => device({ call_forward: { enabled: true, number: '+1 (555) 200-3000', require_keypress: false, ...cf } });
    const ids = (r: ReturnType<typeof build>) => ('legs' in r ? r.legs.map((l) => `${l.id}=${l.endpoint}`) : [r.skipped]);
    expect(ids(build(fwd({})))).to.deep.equal(['dev1:forward=Local/+15552003000@inbound']);
    expect(ids(build(fwd({ substitute: false })))).to.deep.equal(['dev1=PJSIP/alice1', 'dev1:forward=Local/+15552003000@inbound']);
    expect(ids(build(fwd({ direct_calls_only: true }), { source: 'ring_group' }))).to.deep.equal(['dev1=PJSIP/alice1']);
    expect(ids(build(fwd({ direct_calls_only: true }), { source: 'device' }))).to.deep.equal(['dev1:forward=Local/+15552003000@inbound']);
    expect(ids(build(device({ call_forward: { enabled: true } })))).to.deep.equal(['dev1=PJSIP/alice1']);
    expect(ids(build(fwd({ number: 'not a number' })))).to.deep.equal(['no_endpoint']);
    // A cell phone device: nothing but its forward.
    expect(ids(build({ _id: 'cell', device_type: 'cellphone', call_forward: { enabled: true, number: '2001', require_keypress: false } }))).to.deep.equal(['cell:forward=Local/2001@inbound']);
  });

  it('call forward legs: caller ID kept or the external one, key press required by default', () => {
    const r = build(device({ call_forward: { enabled: true, number: '2001' } }));
    expect('legs' in r && r.legs[0]).to.deep.include({ callerId: cid, failOnReject: true, confirm: { digit: '1', media: ['sound:followme/options'], timeoutMs: 7000 } });
    const other = build(device({ call_forward: { enabled: true, number: '2001', keep_caller_id: false, require_keypress: false } }));
    expect('legs' in other && other.legs[0].callerId).to.deep.equal(fwdCid);
    expect('legs' in other && other.legs[0].confirm).to.equal(undefined);
  });

  it('failover: the forward number rides on the phone\'s leg, only when forwarding is off', () => {
    const r = build(device({ call_forward: { enabled: false, failover: true, number: '2002', require_keypress: false } }));
    expect('legs' in r && r.legs.length).to.equal(1);
    expect('legs' in r && r.legs[0].failover).to.deep.include({ id: 'dev1:failover', endpoint: 'Local/2002@inbound' });
    const enabled = build(device({ call_forward: { enabled: true, failover: true, number: '2002', substitute: false, require_keypress: false } }));
    expect('legs' in enabled && enabled.legs[0].failover).to.equal(undefined);
  });

  it('timeouts, delays, suppressed caller ID, headers and Alert-Info', () => {
    const d = device({ sip: { username: 'alice1', custom_sip_headers: { in: { 'X-In': 'a' }, out: { 'X-Out': 'b' } } }, ringtones: { internal: 'int-tone', external: 'ext-tone' } });
    const r = build(d, { timeoutSec: 7, delaySec: 3, headers: { 'X-Mod': 'm' } }, { headers: { 'X-Caller': 'c' } });
    expect('legs' in r && r.legs[0]).to.deep.equal({
      id: 'dev1',
      endpoint: 'PJSIP/alice1',
      timeoutSec: 7,
      delaySec: 3,
      callerId: cid,
      headers: { 'X-In': 'a', 'X-Caller': 'c', 'X-Mod': 'm', 'Alert-Info': 'ext-tone' },
    });
    const alert = (p: Partial<BuildProps>, c: Partial<CallerSide>) => {
      const x = build(d, p, c);
      return 'legs' in x ? x.legs[0].headers?.['Alert-Info'] : undefined;
    };
    expect(alert({}, { onnet: true })).to.equal('int-tone');
    expect(alert({}, { alertInfo: 'set-alert' })).to.equal('set-alert');
    expect(alert({ alertInfo: 'group-tone' }, { alertInfo: 'set-alert' })).to.equal('group-tone');
    const quiet = build(device(), { suppressClid: true });
    expect('legs' in quiet && quiet.legs[0].callerId).to.equal(undefined);
  });

  it('reads custom headers in the flat and the {in, out} forms', () => {
    expect(headersOf({ 'X-A': '1', 'X-N': 2 }, 'in')).to.deep.equal({ 'X-A': '1', 'X-N': '2' });
    expect(headersOf({ in: { 'X-A': '1' }, out: { 'X-B': '2' } }, 'out')).to.deep.equal({ 'X-B': '2' });
    expect(headersOf({ out: { 'X-B': '2' } }, 'in')).to.deep.equal({});
    expect(headersOf('nope', 'in')).to.deep.equal({});
  });
});

describe('ringing: caller ID of new legs', () => {
  const state = initialState({ number: '5551234', name: 'Outside' });
  const ids = { internal: { number: '2001', name: 'Ann' }, external: { number: '+15551000', name: 'ACME' } };

  it('carrier calls pass the caller through; on-net calls show the calling endpoint\'s caller ID', () => {
    const cases: [string, Parameters<typeof baseCallerId>[0], 'internal' | 'external', Parameters<typeof baseCallerId>[2], { number: string; name: string }][] = [
      ['carrier', state, 'internal', { onnet: false, callerIds: ids }, { number: '5551234', name: 'Outside' }],
      ['on-net internal', state, 'internal', { onnet: true, callerIds: ids }, { number: '2001', name: 'Ann' }],
      ['on-net external', state, 'external', { onnet: true, callerIds: ids }, { number: '+15551000', name: 'ACME' }],
      ['on-net, nothing configured', state, 'internal', { onnet: true }, { number: '5551234', name: 'Outside' }],
      ['on-net, presence id', state, 'internal', { onnet: true, presenceId: '2999@realm' }, { number: '2999', name: 'Outside' }],
      ['dynamic_cid wins', { ...state, dynamic: { number: '777' } }, 'internal', { onnet: true, callerIds: ids }, { number: '777', name: 'Ann' }],
    ];
    for (const [name, s, type, calling, expected] of cases) expect(baseCallerId(s, type, calling), name).to.deep.equal(expected);
  });

  it('then prefixes, rewrites and privacy apply', () => {
    const prefixed = prepend(state, { name: 'Sales:', number: '9' }, 'current');
    expect(legCallerId(prefixed, 'internal', { onnet: true, callerIds: ids })).to.deep.equal({ number: '92001', name: 'Sales:Ann' });
    expect(legCallerId(rewrite(state, { name: 'Main', number: '' }), 'internal', { onnet: false })).to.deep.equal({ number: '5551234', name: 'Main' });
    expect(legCallerId({ ...state, privacy: privacyFlags('number') }, 'internal', { onnet: false })).to.deep.equal({ number: '0000000000', name: 'Outside', hidden: true });
  });
});

describe('ringing: members and orders', () => {
  it('reads members and bare ids', () => {
    expect(toMember('abc')).to.deep.equal({ id: 'abc', endpoint_type: 'device' });
    expect(toMember({ id: 'u', endpoint_type: 'user', delay: '5', timeout: 9, weight: 30 })).to.deep.equal({ id: 'u', endpoint_type: 'user', delay: 5, timeout: 9, weight: 30 });
    expect(toMember({ endpoint_type: 'user' })).to.equal(undefined);
    expect(toMember('  ')).to.equal(undefined);
  });

  it('group members inherit delay/timeout; single orders by weight, drops unweighted, one per weight', () => {
    const group = { endpoints: { a: { type: 'user', weight: 2 }, b: { type: 'device', delay: 4 }, c: { type: 'device', weight: 1, timeout: 8 }, d: { type: 'device', weight: 2 } } };
    expect(groupMembers(group, { delay: 1, timeout: 15 }, 'simultaneous')).to.deep.equal([
      { id: 'a', endpoint_type: 'user', delay: 1, timeout: 15, weight: 2 },
      { id: 'b', endpoint_type: 'device', delay: 4, timeout: 15 },
      { id: 'c', endpoint_type: 'device', delay: 1, timeout: 8, weight: 1 },
      { id: 'd', endpoint_type: 'device', delay: 1, timeout: 15, weight: 2 },
    ]);
    expect(groupMembers(group, {}, 'single').map((m) => m.id)).to.deep.equal(['c', 'd']);
    expect(groupMembers({}, {}, 'single')).to.deep.equal([]);
  });

  it('removes the caller\'s device and exact duplicates; sorts by delay keeping order', () => {
    const t = (deviceId: string, delaySec = 0, timeoutSec = 20) => ({ deviceId, delaySec, timeoutSec });
    expect(dedupeTargets([t('a'), t('b'), t('a'), t('a', 5), t('me')], 'me')).to.deep.equal([t('a'), t('b'), t('a', 5)]);
    expect(sortByDelay([t('a', 5), t('b'), t('c', 2), t('d')])).to.deep.equal([t('b'), t('d'), t('c', 2), t('a', 5)]);
  });

  it('members switched off by ring_group_toggle are skipped until their time', () => {
    expect(isDisabledNow({ id: 'a', disable_until: 100 }, 99)).to.equal(true);
    expect(isDisabledNow({ id: 'a', disable_until: 100 }, 100)).to.equal(false);
    expect(isDisabledNow({ id: 'a' }, 100)).to.equal(false);
  });

  it('weights default to 20 and are clamped to 1..100', () => {
    expect([undefined, 'x', 0, 150, '40', 7.6].map(memberWeight)).to.deep.equal([20, 20, 1, 100, 40, 8]);
  });

  it('weighted random order: heavier members lead proportionally more often', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const leads: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 6000; i++) leads[weightedOrder(['a', 'b', 'c'], (x) => ({ a: 60, b: 30, c: 10 })[x]!, random)[0]] += 1;
    expect(leads.a / 6000).to.be.within(0.55, 0.65);
    expect(leads.b / 6000).to.be.within(0.25, 0.35);
    expect(leads.c / 6000).to.be.within(0.07, 0.13);
    expect(weightedOrder(['x', 'y', 'z'], () => 1).sort()).to.deep.equal(['x', 'y', 'z']);
  });

  it('rotates', () => {
    expect(rotate([1, 2, 3], 0)).to.deep.equal([1, 2, 3]);
    expect(rotate([1, 2, 3], 4)).to.deep.equal([2, 3, 1]);
    expect(rotate([1, 2, 3], -1)).to.deep.equal([3, 1, 2]);
    expect(rotate([], 3)).to.deep.equal([]);
  });

  it('names a rotation by account and members', () => {
    const a = rotationKey('acct', [{ id: 'x' }, { id: 'y', endpoint_type: 'user' }]);
    expect(a).to.match(/^rr_[0-9a-f]{40}$/);
    expect(rotationKey('acct', [{ id: 'x', endpoint_type: 'device' }, { id: 'y', endpoint_type: 'user' }])).to.equal(a);
    expect(rotationKey('other', [{ id: 'x' }, { id: 'y', endpoint_type: 'user' }])).to.not.equal(a);
    expect(rotationKey('acct', [{ id: 'y', endpoint_type: 'user' }, { id: 'x' }])).to.not.equal(a);
  });
});

describe('ringing: failure children and the dial\'s rules', () => {
  it('takes the cause child, then sip:<code> (sip:600 when unknown), else none', () => {
    const cases: [string, { cause: string; sipCode?: number }, string[], string | undefined][] = [
      ['cause', { cause: 'USER_BUSY', sipCode: 486 }, ['_', 'USER_BUSY', 'sip:486'], 'USER_BUSY'],
      ['sip code', { cause: 'USER_BUSY', sipCode: 486 }, ['_', 'sip:486'], 'sip:486'],
      ['neither', { cause: 'USER_BUSY', sipCode: 486 }, ['_', 'NO_ANSWER'], undefined],
      ['unknown code', { cause: 'USER_NOT_REGISTERED' }, ['sip:600'], 'sip:600'],
      ['no children', { cause: 'NO_ANSWER', sipCode: 480 }, [], undefined],
    ];
    for (const [name, result, keys, expected] of cases) expect(failureChild(result, keys), name).to.equal(expected);
    expect(failureChild({ cause: 'NO_ANSWER' }, undefined)).to.equal(undefined);
  });

  it('reports the last leg really tried; unreachable legs only when nothing was', () => {
    expect(pickFailure(['USER_BUSY', 'NO_ANSWER'])).to.equal('NO_ANSWER');
    expect(pickFailure(['NO_ANSWER', 'USER_NOT_REGISTERED'])).to.equal('NO_ANSWER');
    expect(pickFailure(['USER_NOT_REGISTERED', 'USER_NOT_REGISTERED'])).to.equal('USER_NOT_REGISTERED');
    expect(pickFailure([])).to.equal('NO_ROUTE_DESTINATION');
  });

  it('maps causes to SIP codes like Asterisk\'s PJSIP driver', () => {
    expect(['USER_BUSY', 'NO_ANSWER', 'CALL_REJECTED', 'UNALLOCATED_NUMBER', 'NORMAL_CIRCUIT_CONGESTION', 'NO_USER_RESPONSE', 'USER_NOT_REGISTERED'].map(sipCodeOf)).to.deep.equal([
      486, 480, 403, 404, 503, 408, undefined,
    ]);
  });

  it('Local legs never optimise away; other dial strings are kept', () => {
    expect(channelEndpoint('Local/busy@sim')).to.equal('Local/busy@sim/n');
    expect(channelEndpoint('Local/busy@sim/n')).to.equal('Local/busy@sim/n');
    expect(channelEndpoint('Local/busy@sim/j')).to.equal('Local/busy@sim/jn');
    expect(channelEndpoint('PJSIP/alice1')).to.equal('PJSIP/alice1');
  });

  it('leg variables: caller ID as connected line, checked SIP headers on PJSIP legs, the app on Local legs', () => {
    expect(
      legVariables(
        { id: 'a', endpoint: 'PJSIP/alice1', callerId: { number: '1', name: 'N', hidden: true }, headers: { 'Alert-Info': 'x', 'Bad Header': 'y', 'X-Inject': 'a\r\nVia: evil' }, variables: { FOO: 'bar' } },
        'app1',
      ),
    ).to.deep.equal({ FOO: 'bar', 'CONNECTEDLINE(num,i)': '1', 'CONNECTEDLINE(name,i)': 'N', 'CONNECTEDLINE(pres,i)': 'prohib', 'PJSIP_HEADER(add,Alert-Info)': 'x' });
    expect(legVariables({ id: 'b', endpoint: 'Local/2001@inbound', headers: { 'X-A': '1' } }, 'app1')).to.deep.equal({ ARIFLOW_APP: 'app1' });
  });
});
