// dynamic_cid list/lists modes on real calls: the first digits of a feature code pick a caller ID from a
// match list, the rest is dialled through the account's outbound (no_match) callflow.
import { expect } from 'chai';
import type { CallflowNode } from '../../../lib/engine/module.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { callPinned, channelVar, finish, holdCall, steps } from './helpers.ts';

const mark = (label: string): CallflowNode => ({ module: 'noop', data: { label }, children: { _: holdCall } });
const dyn = (data: Record<string, unknown>): CallflowNode => ({ module: 'dynamic_cid', data, children: { _: { module: 'noop', data: { label: 'after' } } } });

describe('logic modules: dynamic_cid (list, lists)', function () {
  this.timeout(20_000);
  let h: EngineHarness;
  let listId: string;
  before(async () => {
    h = await EngineHarness.start();
    listId = await h.doc('lists', {
      name: 'outbound identities',
      entries: [
        { capture_group_key: '01', name: 'Office', number: '+15550001' },
        { capture_group_key: '02', number: '+15550002' },
      ],
    });
    const longKeys = await h.doc('lists', { name: 'long keys', length: 5, entries: [] });
    const restricted = await h.doc('users', { first_name: 'No', last_name: 'Intl', call_restriction: { international: { action: 'deny' } } });
    await h.doc('devices', { name: 'free', sip: { username: 'dyn-phone-1' } });
    await h.doc('devices', { name: 'restricted', sip: { username: 'dyn-phone-2' }, owner_id: restricted });
    await h.callflow(mark('outbound'), { numbers: ['no_match'] });
    await h.callflow(mark('ext 3001'), { numbers: ['3001'] });
    await h.callflow(dyn({ action: 'list', id: listId }), { patterns: ['^\\*2(\\d{3,})$'] });
    await h.callflow(dyn({ action: 'lists', id: listId, permit_custom_callflow: true }), { patterns: ['^\\*3(\\d{3,})$'] });
    await h.callflow(dyn({ action: 'list', id: 'no-such-list' }), { patterns: ['^\\*4(\\d{3,})$'] });
    await h.callflow(dyn({ action: 'list', id: listId, idx_name: 'key' }), { patterns: ['^\\*5(?<key>\\d{2})(\\d{4,})$'] });
    await h.callflow(dyn({ action: 'list', id: listId, enforce_call_restriction: false }), { patterns: ['^\\*6(\\d{3,})$'] });
    await h.callflow(dyn({ action: 'list', id: longKeys }), { patterns: ['^\\*7(\\d{3,})$'] });
  });
  after(async () => h?.stop());

  const cidOf = async (caller: Awaited<ReturnType<EngineHarness['call']>>) => ({
    name: await channelVar(h, caller, 'CALLERID(name)'),
    number: await channelVar(h, caller, 'CALLERID(num)'),
  });

  it('picks the entry by key, sets its caller ID and dials the rest through no_match', async () => {
    const caller = await callPinned(h, '*2015551234', { endpoint: 'dyn-phone-1', callerId: '"Desk" <2001>' });
    await caller.waitUp();
    expect(await cidOf(caller)).to.deep.equal({ name: 'Office', number: '+15550001' });
    const rec = await finish(h, caller);
    expect(steps(rec).slice(0, 2)).to.deep.equal([
      ['dynamic_cid', 'branch'],
      ['noop', '_'],
    ]);
    expect(rec.trace[1].data).to.contain('outbound');
    expect(rec.attributes.destination_number).to.equal('5551234');
  });

  it('an entry without a name keeps the caller’s name', async () => {
    const caller = await callPinned(h, '*2025551234', { endpoint: 'dyn-phone-1', callerId: '"Desk" <2001>' });
    await caller.waitUp();
    expect(await cidOf(caller)).to.deep.equal({ name: 'Desk', number: '+15550002' });
    await finish(h, caller);
  });

  it('a key with no entry keeps the caller ID (reject prompt) and still dials', async () => {
    const caller = await callPinned(h, '*2995551234', { endpoint: 'dyn-phone-1', callerId: '"Desk" <2001>' });
    await caller.waitUp();
    await caller.waitPlayback('PlaybackFinished', 'sound:privacy-incorrect');
    const rec = await finish(h, caller);
    expect(steps(rec)[0]).to.deep.equal(['dynamic_cid', 'branch']);
    expect(rec.trace[0].reason).to.match(/^key 99 \(no entry\): caller id "Desk" <2001>/);
    expect(rec.caller_id_number).to.equal('2001');
  });

  it('takes the key from a named capture group (idx_name)', async () => {
    const caller = await callPinned(h, '*5015551234', { endpoint: 'dyn-phone-1', callerId: '"Desk" <2001>' });
    await caller.waitUp();
    expect(await cidOf(caller)).to.deep.equal({ name: 'Office', number: '+15550001' });
    const rec = await finish(h, caller);
    expect(rec.attributes.destination_number).to.equal('5551234');
  });

  it('refuses an internal extension as destination unless permit_custom_callflow', async () => {
    let caller = await callPinned(h, '*2013001', { endpoint: 'dyn-phone-1' });
    await caller.waitPlayback('PlaybackStarted', 'sound:pbx-invalid');
    await caller.waitEnded(8000);
    let rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['dynamic_cid', 'stop']]);
    expect(rec.trace[0].reason).to.match(/no callflow may take 3001/);

    caller = await callPinned(h, '*3013001', { endpoint: 'dyn-phone-1' });
    await caller.waitUp();
    rec = await finish(h, caller);
    expect(steps(rec)[0]).to.deep.equal(['dynamic_cid', 'branch']);
    expect(rec.trace[1].data).to.contain('ext 3001');
  });

  it('enforces the caller’s call restrictions on the destination (unless told not to)', async () => {
    let caller = await callPinned(h, '*201011442079460000', { endpoint: 'dyn-phone-2' });
    await caller.waitPlayback('PlaybackStarted', 'sound:ss-noservice');
    await caller.waitEnded(8000);
    let rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['dynamic_cid', 'hard_stop']]);
    expect(rec.trace[0].reason).to.match(/\+442079460000 is restricted/);

    caller = await callPinned(h, '*601011442079460000', { endpoint: 'dyn-phone-2' });
    await caller.waitUp();
    rec = await finish(h, caller);
    expect(steps(rec)[0]).to.deep.equal(['dynamic_cid', 'branch']);
    expect(rec.attributes.destination_number).to.equal('+442079460000');
  });

  it('cannot complete the call when the list is missing or the capture is shorter than the key', async () => {
    const reasons: string[] = [];
    for (const dial of ['*4015551234', '*7123']) {
      const caller = await callPinned(h, dial, { endpoint: 'dyn-phone-1' });
      await caller.waitPlayback('PlaybackStarted', 'sound:cannot-complete-as-dialed');
      await caller.waitEnded(8000);
      const rec = await h.record(caller.peerId);
      expect(steps(rec)).to.deep.equal([['dynamic_cid', 'stop']]);
      reasons.push(rec.trace[0].reason ?? '');
    }
    expect(reasons).to.deep.equal(['list no-such-list not found', 'no list key in 123']);
  });
});
