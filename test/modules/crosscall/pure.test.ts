// Pure parts of the cross-call modules: slot allocation and timers, the parker from BLINDTRANSFER /
// Referred-By, an extension's endpoint (feature codes), the registry's view of a target's channels.
import { expect } from 'chai';
import { ActiveCalls } from '../../../lib/asterisk/active-calls.ts';
import { firstFreeSlot, parkedState, parkerEndpoint, slotDevice, slotOf, slotPresenceId, slotTimers } from '../../../lib/crosscall/parking.ts';
import { callTarget, extensionEndpoint, underscoreChain } from '../../../lib/crosscall/targets.ts';
import { modeForDigit, startMode, whisperOf } from '../../../lib/crosscall/eavesdrop.ts';
import { requestsOf, sweepPlan, type CampRequest } from '../../../lib/crosscall/camping.ts';

describe('cross-call: pure logic', () => {
  it('firstFreeSlot: lowest free number from 101', () => {
    const table: [string[], string][] = [[[], '101'], [['101'], '102'], [['101', '103'], '102'], [['102'], '101'], [['abc'], '101']];
    for (const [occupied, want] of table) expect(firstFreeSlot(occupied)).to.equal(want);
  });

  it('slotTimers: the slot\'s own, then the defaults, then Kazoo\'s 120 s / 30 s', () => {
    expect(slotTimers({}, '101')).to.deep.equal({ ringbackMs: 120000, callbackMs: 30000 });
    expect(slotTimers({ default_ringback_timeout: 5000 }, '101')).to.deep.equal({ ringbackMs: 5000, callbackMs: 30000 });
    expect(slotTimers({ default_ringback_timeout: 5000, slots: { '101': { ringback_timeout: 1000, callback_timeout: 2000 } } }, '101')).to.deep.equal({ ringbackMs: 1000, callbackMs: 2000 });
  });

  it('parkerEndpoint: BLINDTRANSFER channel name, else Referred-By URI', () => {
    const table: [string | undefined, string | undefined, string | undefined][] = [
      ['PJSIP/1001-0000000a', undefined, '1001'],
      ['PJSIP/desk.12-00000001', '<sip:9@x>', 'desk.12'],
      [undefined, '<sip:1002@10.0.0.1;transport=udp>', '1002'],
      ['Local/x@y-0001;1', undefined, undefined],
      [undefined, undefined, undefined],
    ];
    for (const [bt, rb, want] of table) expect(parkerEndpoint(bt, rb)).to.equal(want);
  });

  it('extensionEndpoint: first device/user/ring_group/page_group along `_`', () => {
    const table: [unknown, string[] | undefined, unknown][] = [
      [{ module: 'device', data: { id: 'd1' } }, undefined, { device_id: 'd1' }],
      [{ module: 'set_cid', data: {}, children: { _: { module: 'user', data: { id: 'u1' } } } }, undefined, { user_id: 'u1' }],
      [{ module: 'ring_group', data: { endpoints: [{ id: 'g1', endpoint_type: 'group' }] } }, undefined, { group_id: 'g1' }],
      [{ module: 'ring_group', data: { endpoints: [{ id: 'd2' }] } }, ['device', 'user'], undefined],
      [{ module: 'menu', data: {}, children: { '1': { module: 'device', data: { id: 'd3' } } } }, undefined, undefined],
    ];
    for (const [flow, kinds, want] of table) expect(extensionEndpoint(flow as never, kinds)).to.deep.equal(want);
  });

  it('ActiveCalls: ringing legs by device, calls by endpoint, state kept serialisable', () => {
    const r = new ActiveCalls();
    r.callStarted('c1');
    r.dialStarted('c1', {});
    r.legRinging('c1', { channelId: 'l1', legId: 'dev1', endpoint: 'PJSIP/a' });
    r.legRinging('c1', { channelId: 'l2', legId: 'dev1:forward', endpoint: 'Local/1@inbound' });
    r.callStarted('c2', { endpoint: 'desk', answered: true });
    expect(r.channelsOf({ deviceIds: ['dev1'], endpoints: [] })).to.deep.equal([{ callId: 'c1', channelId: 'l1', side: 'callee', state: 'ringing', bridged: false }]);
    expect(r.channelsOf({ deviceIds: [], endpoints: ['desk'] })).to.deep.equal([{ callId: 'c2', channelId: 'c2', side: 'caller', state: 'answered', bridged: false }]);
    r.bridged('c1', 'b1', { channelId: 'l1', legId: 'dev1', endpoint: 'PJSIP/a', deviceId: 'dev1' });
    expect(r.channelsOf({ deviceIds: ['dev1'], endpoints: [] })[0]).to.include({ state: 'answered', bridged: true });
    expect(r.claimSlot('c2', 'acct', '101')).to.equal(true);
    expect(r.claimSlot('c1', 'acct', '101')).to.equal(false);
    expect(JSON.parse(JSON.stringify(r.snapshot()))).to.deep.equal(r.snapshot());
    r.callEnded('c2');
    expect(r.slots('acct')).to.deep.equal([]);
    r.callEnded('c1');
    expect(r.get('c1')).to.not.equal(undefined); // still bridged: a taken-over conversation lives on
    r.dialEnded('c1');
    expect(r.get('c1')).to.equal(undefined);
  });

  it('eavesdrop: digits switch modes as Kazoo\'s media server (0 listen, 1 other party, 2 target, 3 both), snoop whisper direction', () => {
    const digits: [string, string | undefined][] = [['0', 'listen'], ['1', 'whisper_other'], ['2', 'whisper'], ['3', 'full'], ['4', undefined], ['*', undefined], ['#', undefined], ['', undefined], ['constructor', undefined]];
    for (const [d, want] of digits) expect(modeForDigit(d), d).to.equal(want);
    const whisper: [string, string][] = [['listen', 'none'], ['whisper', 'out'], ['whisper_other', 'in'], ['full', 'both']];
    for (const [m, want] of whisper) expect(whisperOf(m as never)).to.equal(want);
    const start: [unknown, string][] = [[undefined, 'listen'], ['full', 'full'], ['whisper_other', 'whisper_other'], ['barge', 'listen'], [3, 'listen']];
    for (const [v, want] of start) expect(startMode(v)).to.equal(want);
  });

  it('slotOf: node slot, else capture group; unusable → undefined', () => {
    const table: [Record<string, unknown>, string | undefined, string | undefined][] = [
      [{ slot: '150' }, '101', '150'],
      [{}, '101', '101'],
      [{}, '', undefined],
      [{}, undefined, undefined],
      [{ slot: '1 0' }, undefined, undefined],
      [{}, 'x'.repeat(33), undefined],
    ];
    for (const [data, capture, want] of table) expect(slotOf(data, capture)).to.equal(want);
  });

  it('slotPresenceId: slot presence_id > custom node presence_id > <dialled without capture><slot>, realm added', () => {
    const table: [Record<string, unknown>, string, string, string | undefined, string | undefined, string | undefined][] = [
      [{}, '101', '*3101', '101', 'r.test', '*3101@r.test'],
      [{}, '101', '*3', '', 'r.test', '*3101@r.test'],
      [{}, '150', '7000', undefined, 'r.test', '7000150@r.test'],
      [{}, '101', '*3101', '101', undefined, '*3101'],
      [{ presence_id: 'lot' }, '101', '*3101', '101', 'r.test', '*3101@r.test'],
      [{ presence_id: 'lot', custom_presence_id: true }, '101', '*3101', '101', 'r.test', 'lot@r.test'],
      [{ presence_id: 'lot', custom_presence_id: true, slots: { '101': { presence_id: 'a@b.c' } } }, '101', '*3101', '101', 'r.test', 'a@b.c'],
      [{}, '101', 'bad name', undefined, 'r.test', undefined],
    ];
    for (const [data, slot, dialed, capture, realm, want] of table) expect(slotPresenceId(data, slot, dialed, capture, realm)).to.equal(want);
    expect(slotDevice('*3101@r.test')).to.equal('Stasis:*3101@r.test');
  });

  it('parkedState: slot presence_type > default_presence_type > early (ringing)', () => {
    const table: [Record<string, unknown>, string][] = [
      [{}, 'RINGING'],
      [{ default_presence_type: 'confirmed' }, 'INUSE'],
      [{ default_presence_type: 'terminated' }, 'NOT_INUSE'],
      [{ default_presence_type: 'confirmed', slots: { '101': { presence_type: 'early' } } }, 'RINGING'],
      [{ slots: { '102': { presence_type: 'confirmed' } } }, 'RINGING'],
    ];
    for (const [data, want] of table) expect(parkedState(data, '101')).to.equal(want);
  });

  it('callTarget / underscoreChain', () => {
    expect(callTarget([{ _id: 'd1', sip: { username: 'u1' } }, { _id: 'd2' }, { _id: 'd3', sip: {} }] as never)).to.deep.equal({ deviceIds: ['d1', 'd2', 'd3'], endpoints: ['u1'] });
    expect(callTarget([])).to.deep.equal({ deviceIds: [], endpoints: [] });
    const flow = { module: 'a', data: {}, children: { _: { module: 'b', data: {}, children: { x: { module: 'c', data: {} } } } } };
    expect(underscoreChain(flow as never).map((n) => n.module)).to.deep.equal(['a', 'b']);
    expect(underscoreChain(undefined)).to.deep.equal([]);
    const loop: Record<string, unknown> = { module: 'l', data: {} };
    loop.children = { _: loop };
    expect(underscoreChain(loop as never, 5)).to.have.length(5);
  });

  it('camp requests: what the document holds, which are expired, which another process left', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    const req = (expires: string, boot: string) => ({ extension: '1', target: { device_ids: [], endpoints: [] }, camper_device_id: 'd', status: 'waiting', created_at: '', expires_at: expires, boot_id: boot }) as CampRequest;
    const stored = requestsOf({ requests: { a: req('2025-01-01T12:05:00Z', 'me'), b: req('2025-01-01T11:59:59Z', 'me'), c: req('2025-01-01T12:05:00Z', 'other'), d: req('garbage', 'other'), e: 'junk', f: { no: 'expiry' } } });
    expect(Object.keys(stored)).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(sweepPlan(stored, now, 'me')).to.deep.equal({ expired: ['b', 'd'], foreign: ['c'] });
    expect(requestsOf(undefined)).to.deep.equal({});
    expect(sweepPlan({}, now, 'me')).to.deep.equal({ expired: [], foreign: [] });
  });
});
