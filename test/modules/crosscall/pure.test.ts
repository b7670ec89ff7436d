// Pure parts of the cross-call modules: slot allocation and timers, the parker from BLINDTRANSFER /
// Referred-By, an extension's endpoint (feature codes), the registry's view of a target's channels.
import { expect } from 'chai';
import { ActiveCalls } from '../../../lib/asterisk/active-calls.ts';
import { firstFreeSlot, parkerEndpoint, slotTimers } from '../../../lib/crosscall/parking.ts';
import { extensionEndpoint } from '../../../lib/crosscall/targets.ts';

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
});
