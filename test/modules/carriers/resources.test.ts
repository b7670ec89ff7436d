// resources / offnet on real calls, with SIPp as the carrier: carriers created over the API become PJSIP
// trunks; the dialled number (after the carrier's rule and prefix) reaches the carrier in the Request-URI
// with the caller's ID in From; busy / no answer / carrier failure take the cause child, a 503 fails over
// to the next carrier by weight, no carrier → NO_ROUTE_DESTINATION, no child → hang up with the cause.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { stackToolAvailable } from '../../helpers/sip-phone.ts';
import { SippPool } from '../../helpers/sipp.ts';
import { steps } from '../ringing/helpers.ts';
import { apiFor, beep, carrier, trunkObject, waitFor, type Api } from './helpers.ts';

describe('carriers: resources / offnet (SIPp as the carrier)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let api: Api;
  const sipps = new SippPool();
  const created: string[] = [];

  const addCarrier = async (...args: Parameters<typeof carrier> extends [unknown, unknown, ...infer R] ? R : never) => {
    const id = await carrier(h, api, ...args);
    created.push(id);
    return id;
  };

  before(async function () {
    if (!stackToolAvailable('sipp')) this.skip();
    h = await EngineHarness.start();
    api = await apiFor(h);
  });
  afterEach(async () => {
    await sipps.stopAll();
    for (const id of created.splice(0)) await api('DELETE', `/resources/${id}`).catch(() => {});
  });
  after(async () => {
    await h?.stop();
  });

  it('serves carriers over the API without their passwords, and pushes each gateway as a PJSIP trunk', async () => {
    const doc = await api('PUT', '/resources', {
      name: 'API carrier',
      weight_cost: 10,
      gateways: [{ server: '127.0.0.1', port: 5999, username: 'trunkuser', password: 'Trunk-Secret-1', realm: 'carrier.example' }],
    });
    const id = String(doc.id);
    expect(JSON.stringify(doc)).not.to.contain('Trunk-Secret-1');
    expect((doc.gateways as Record<string, unknown>[])[0]).to.include({ has_password: true, username: 'trunkuser' });
    const trunk = `carrier-${id}-0`;
    await waitFor('trunk', () => trunkObject(h, 'endpoint', trunk), (v) => v !== undefined);
    expect(await trunkObject(h, 'aor', trunk)).to.include({ contact: 'sip:127.0.0.1:5999' });
    expect(await trunkObject(h, 'auth', trunk)).to.include({ username: 'trunkuser', password: 'Trunk-Secret-1' });
    expect(await trunkObject(h, 'endpoint', trunk)).to.include({ outbound_auth: trunk, aors: trunk });
    const got = await api('GET', `/resources/${id}`);
    expect(JSON.stringify(got)).not.to.contain('Trunk-Secret-1');
    const list = await api.raw('GET', '/resources');
    expect(JSON.stringify(list.body)).not.to.contain('Trunk-Secret-1');
    // An edit that omits the password (it was never shown) keeps it; the port change reaches Asterisk.
    await api('POST', `/resources/${id}`, { ...got, gateways: [{ ...(got.gateways as object[])[0], port: 5998 }] });
    await waitFor('new port', () => trunkObject(h, 'aor', trunk), (v) => v?.contact === 'sip:127.0.0.1:5998');
    expect(await trunkObject(h, 'auth', trunk)).to.include({ password: 'Trunk-Secret-1' });
    const stored = await h.db.collection('resources').findOne({ _id: id as never });
    expect(stored?.gateways[0].password).to.equal('Trunk-Secret-1');
    // Invalid documents are refused.
    const bad = await api.raw('PUT', '/resources', { name: 'no gateways' });
    expect(bad.status).to.equal(400);
    await api('DELETE', `/resources/${id}`);
    await waitFor('trunk removed', () => trunkObject(h, 'auth', trunk), (v) => v === undefined);
    expect(await trunkObject(h, 'endpoint', trunk)).to.equal(undefined);
  });

  it('dials the rule\'s number with the gateway prefix through the carrier, caller ID in From; stop once answered', async () => {
    const s = await sipps.start('answer');
    await addCarrier(s.port, { rules: ['^\\+1(\\d{10})$'] }, { prefix: '9' });
    // The request number itself (no to_did): inbound test calls are routed by exact number.
    await h.callflow({ module: 'resources', data: {} }, { numbers: ['+14155550123'] });
    const caller = await h.call('+14155550123', { callerId: '"Alice" <5551234>' });
    await caller.waitUp();
    const invite = await s.waitInvite();
    expect(invite.user).to.equal('94155550123');
    expect(invite.headers.from).to.contain('5551234');
    await new Promise((r) => setTimeout(r, 300));
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['resources', 'stop']]);
    expect(rec.trace[0].reason).to.contain('+14155550123 answered');
  });

  it('busy → USER_BUSY child; without a matching child the call ends with the cause, `_` is not followed', async () => {
    const s = await sipps.start('busy');
    await addCarrier(s.port);
    const withChild = await h.callflow({ module: 'resources', data: { to_did: '+14155550111' }, children: { USER_BUSY: beep } });
    const c1 = await h.call(withChild);
    await c1.waitPlayback('PlaybackFinished');
    await c1.hangup();
    const r1 = await h.record(c1.peerId);
    expect(steps(r1).map((s) => s[0] + ':' + s[1].split(' ')[0])).to.deep.equal(['resources:USER_BUSY', 'play:_']);
    expect(s.invites()[0].user).to.equal('+14155550111');

    const noChild = await h.callflow({ module: 'resources', data: { to_did: '+14155550112' }, children: { _: beep } });
    const c2 = await h.call(noChild);
    await c2.waitEnded();
    const r2 = await h.record(c2.peerId);
    expect(steps(r2)).to.deep.equal([['resources', 'stop']]);
    expect(r2.hangup_cause).to.equal('USER_BUSY');
  });

  it('a 503 from the cheapest carrier fails over to the next by weight_cost; sip:<code> children are honoured', async () => {
    const bad = await sipps.start('unavailable');
    const good = await sipps.start('answer');
    await addCarrier(good.port, { name: 'second', weight_cost: 20 });
    await addCarrier(bad.port, { name: 'first', weight_cost: 10 });
    const n = await h.callflow({ module: 'resources', data: { to_did: '+442079460000' } });
    const caller = await h.call(n);
    await caller.waitUp();
    expect((await bad.waitInvite()).user).to.equal('+442079460000');
    expect((await good.waitInvite()).user).to.equal('+442079460000');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].result).to.equal('stop');
    expect(rec.trace[0].reason).to.contain('second/0');

    // Only the failing carrier left: the 503 takes `sip:503`.
    await api('DELETE', `/resources/${created.shift()}`);
    const n2 = await h.callflow({ module: 'resources', data: { to_did: '+442079460001' }, children: { 'sip:503': beep } });
    const c2 = await h.call(n2);
    await c2.waitPlayback('PlaybackFinished');
    await c2.hangup();
    expect(steps(await h.record(c2.peerId)).map((s) => s[0] + ':' + s[1].split(' ')[0])).to.deep.equal(['resources:sip:503', 'play:_']);
  });

  it('no answer within timeout → NO_ANSWER child (the carrier gets a CANCEL)', async () => {
    const s = await sipps.start('noanswer');
    await addCarrier(s.port);
    const n = await h.callflow({ module: 'resources', data: { to_did: '+14155550113', timeout: 2 }, children: { NO_ANSWER: beep } });
    const caller = await h.call(n);
    await caller.waitPlayback('PlaybackFinished');
    await caller.hangup();
    expect(steps(await h.record(caller.peerId)).map((s) => s[0] + ':' + s[1].split(' ')[0])).to.deep.equal(['resources:NO_ANSWER', 'play:_']);
    await s.waitFor('CANCEL');
  });

  it('no carrier whose rules, flags or caller-ID rules take the call → NO_ROUTE_DESTINATION', async () => {
    const s = await sipps.start('answer');
    await addCarrier(s.port, { rules: ['^\\+44'], flags: ['premium'] });
    const cases = [
      { to_did: '+14155550114' }, // rule does not match
      { to_did: '+442079460002', outbound_flags: ['fax'] }, // flag missing on the carrier
      { to_did: '+442079460003', hunt_account_id: 'ffffffffffffffffffffffffffffffff' }, // not an ancestor account
    ];
    for (const data of cases) {
      const n = await h.callflow({ module: 'resources', data, children: { NO_ROUTE_DESTINATION: beep } });
      const caller = await h.call(n);
      await caller.waitPlayback('PlaybackFinished');
      await caller.hangup();
      const rec = await h.record(caller.peerId);
      expect(steps(rec).map((s) => s[0] + ':' + s[1].split(' ')[0]), JSON.stringify(data)).to.deep.equal(['resources:NO_ROUTE_DESTINATION', 'play:_']);
    }
    expect(s.invites()).to.have.length(0);
  });

  it('offnet dials through the system\'s (master account\'s) carriers; the caller hanging up mid-ring cancels the carrier leg', async () => {
    const s = await sipps.start('noanswer');
    await addCarrier(s.port);
    const n = await h.callflow({ module: 'offnet', data: { to_did: '+14155550115' } });
    const caller = await h.call(n);
    await s.waitInvite();
    await caller.hangup();
    await s.waitFor('CANCEL');
    const rec = await h.record(caller.peerId);
    expect(rec.trace[0].module).to.equal('offnet');
  });
});
