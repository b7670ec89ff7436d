// Table tests of the pure logic behind the feature codes: on/off actions, ring group member toggling, manual
// presence ids and states, interdigit timeouts, forward numbers from capture groups, whom a setting is saved
// on, which devices are busy without call waiting, and the after_bridge setting read back from the call.
import { expect } from 'chai';
import type { DialLeg } from '../../../lib/callcontrol/port.ts';
import type { CallContext, CallflowNode } from '../../../lib/engine/module.ts';
import { ownerElseDevice, SAFE_KEY, targetName } from '../../../lib/features/caller.ts';
import { capturedNumber } from '../../../lib/features/forward.ts';
import { applyOnOff, interdigitMs, LOGGED_OUT_UNTIL, presenceId, presenceState, toggleRingGroupMember } from '../../../lib/features/settings.ts';
import { BUSY_ENDPOINT, busyLeg, busyWithoutCallWaiting } from '../../../lib/legs/call-waiting.ts';
import type { Doc } from '../../../lib/legs/documents.ts';
import type { Directory } from '../../../lib/legs/load.ts';
import type { Endpoint } from '../../../lib/legs/merge.ts';
import { afterBridgeOf } from '../../../lib/ringing/after-bridge.ts';

describe('feature codes: pure logic', () => {
  describe('applyOnOff', () => {
    const cases: [unknown, boolean, boolean | undefined][] = [
      ['activate', false, true],
      ['activate', true, true],
      ['deactivate', true, false],
      ['deactivate', false, false],
      ['toggle', true, false],
      ['toggle', false, true],
      ['menu', true, undefined],
      ['ACTIVATE', false, undefined],
      [undefined, false, undefined],
      [null, true, undefined],
      [1, false, undefined],
    ];
    for (const [action, current, want] of cases) {
      it(`${JSON.stringify(action)} on ${current} → ${want}`, () => expect(applyOnOff(action, current)).to.equal(want));
    }
  });

  describe('toggleRingGroupMember', () => {
    const group = (endpoints: unknown[], children?: Record<string, CallflowNode>): CallflowNode => ({
      module: 'ring_group',
      data: { name: 'sales', timeout: 20, endpoints },
      ...(children ? { children } : {}),
    });
    const user = (id: string, extra: Record<string, unknown> = {}) => ({ endpoint_type: 'user', id, ...extra });

    const cases: { name: string; flow: CallflowNode; userId: string; action: 'login' | 'logout'; changed: number; want: CallflowNode }[] = [
      {
        name: 'logout sets disable_until on the user member only',
        flow: group([user('u1'), user('u2'), { endpoint_type: 'device', id: 'u1' }]),
        userId: 'u1',
        action: 'logout',
        changed: 1,
        want: group([user('u1', { disable_until: LOGGED_OUT_UNTIL }), user('u2'), { endpoint_type: 'device', id: 'u1' }]),
      },
      {
        name: 'login resets disable_until to 0',
        flow: group([user('u1', { disable_until: LOGGED_OUT_UNTIL, delay: 5 })]),
        userId: 'u1',
        action: 'login',
        changed: 1,
        want: group([user('u1', { disable_until: 0, delay: 5 })]),
      },
      {
        name: 'ring groups nested in children are changed too; other modules are not',
        flow: {
          module: 'play',
          data: { id: 'beep', endpoints: [user('u1')] },
          children: { _: group([user('u1')], { _: group([user('u1'), user('u1')]) }) },
        },
        userId: 'u1',
        action: 'logout',
        changed: 3,
        want: {
          module: 'play',
          data: { id: 'beep', endpoints: [user('u1')] },
          children: {
            _: group([user('u1', { disable_until: LOGGED_OUT_UNTIL })], {
              _: group([user('u1', { disable_until: LOGGED_OUT_UNTIL }), user('u1', { disable_until: LOGGED_OUT_UNTIL })]),
            }),
          },
        },
      },
      {
        name: 'a non-member changes nothing',
        flow: group([user('u2'), { endpoint_type: 'group', id: 'u1' }]),
        userId: 'u1',
        action: 'logout',
        changed: 0,
        want: group([user('u2'), { endpoint_type: 'group', id: 'u1' }]),
      },
      {
        name: 'odd members and data survive untouched',
        flow: { module: 'ring_group', data: { endpoints: [null, 'u1', [user('u1')], user('u1')] } },
        userId: 'u1',
        action: 'logout',
        changed: 1,
        want: { module: 'ring_group', data: { endpoints: [null, 'u1', [user('u1')], user('u1', { disable_until: LOGGED_OUT_UNTIL })] } },
      },
      {
        name: 'a ring group without endpoints is left as it is',
        flow: { module: 'ring_group', data: { name: 'empty' } },
        userId: 'u1',
        action: 'login',
        changed: 0,
        want: { module: 'ring_group', data: { name: 'empty' } },
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const before = JSON.stringify(c.flow);
        const out = toggleRingGroupMember(c.flow, c.userId, c.action);
        expect(out.changed).to.equal(c.changed);
        expect(out.flow).to.deep.equal(c.want);
        // A copy: the input is not changed.
        expect(JSON.stringify(c.flow)).to.equal(before);
      });
    }
  });

  describe('presenceState', () => {
    const cases: [unknown, string][] = [
      ['idle', 'NOT_INUSE'],
      ['ringing', 'RINGING'],
      ['busy', 'INUSE'],
      [undefined, 'NOT_INUSE'],
      ['BUSY', 'NOT_INUSE'],
      ['away', 'NOT_INUSE'],
    ];
    for (const [status, want] of cases) it(`${JSON.stringify(status)} → ${want}`, () => expect(presenceState(status)).to.equal(want));
  });

  describe('presenceId', () => {
    const cases: [string | undefined, string | undefined, string | undefined][] = [
      ['night', 'sip.example.com', 'night@sip.example.com'],
      ['night@other.example.com', 'sip.example.com', 'night@other.example.com'],
      ['night', undefined, 'night'],
      ['  night  ', 'r.example', 'night@r.example'],
      ['*601', 'r.example', '*601@r.example'],
      ['', 'r.example', undefined],
      ['   ', 'r.example', undefined],
      [undefined, 'r.example', undefined],
      ['night mode', 'r.example', undefined],
      ['a/b', undefined, undefined],
      ['x@bad realm', undefined, undefined],
      ['x'.repeat(81), undefined, undefined],
      ['x'.repeat(80), undefined, 'x'.repeat(80)],
      ['night', 'bad realm', undefined],
    ];
    for (const [id, realm, want] of cases) {
      it(`${JSON.stringify(id)} + ${JSON.stringify(realm)} → ${JSON.stringify(want)}`, () => expect(presenceId(id, realm)).to.equal(want));
    }
  });

  describe('interdigitMs', () => {
    const cases: [unknown, number | undefined, number][] = [
      [undefined, undefined, 2000],
      [3, undefined, 3000],
      [1.5, undefined, 1500],
      [60, undefined, 60_000],
      [61, undefined, 61],
      [2500, undefined, 2500],
      ['4', undefined, 4000],
      ['3000', undefined, 3000],
      ['', undefined, 2000],
      ['soon', undefined, 2000],
      [0, undefined, 2000],
      [-5, undefined, 2000],
      [Number.NaN, undefined, 2000],
      [Number.POSITIVE_INFINITY, undefined, 2000],
      [true, undefined, 2000],
      [undefined, 5000, 5000],
      [2, 5000, 2000],
    ];
    for (const [v, fallback, want] of cases) {
      it(`${String(v)} (fallback ${fallback ?? 'default'}) → ${want} ms`, () => expect(interdigitMs(v, ...(fallback === undefined ? [] : [fallback]))).to.equal(want));
    }
  });

  describe('capturedNumber', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['5551234', '5551234'],
      ['+15551234567', '+15551234567'],
      ['1', '1'],
      ['9'.repeat(30), '9'.repeat(30)],
      ['9'.repeat(31), undefined],
      ['', undefined],
      [undefined, undefined],
      ['555-1234', undefined],
      ['*72', undefined],
      ['12#', undefined],
      ['++1', undefined],
    ];
    for (const [capture, want] of cases) it(`${JSON.stringify(capture)} → ${JSON.stringify(want)}`, () => expect(capturedNumber(capture)).to.equal(want));
  });

  describe('SAFE_KEY (document ids usable in a dotted update path)', () => {
    const cases: [string, boolean][] = [
      ['0123456789abcdef0123456789abcdef', true],
      ['user_1-a', true],
      ['a'.repeat(128), true],
      ['a'.repeat(129), false],
      ['', false],
      ['a.b', false],
      ['$where', false],
      ['a b', false],
    ];
    for (const [id, want] of cases) it(`${JSON.stringify(id.length > 40 ? `${id.slice(0, 8)}…(${id.length})` : id)} → ${want}`, () => expect(SAFE_KEY.test(id)).to.equal(want));
  });

  describe('ownerElseDevice', () => {
    const owner: Doc = { _id: 'u1' };
    const device: Doc = { _id: 'd1' };
    const cases: [string, Parameters<typeof ownerElseDevice>[0], ReturnType<typeof ownerElseDevice>][] = [
      ['owner and device → the owner', { owner, device }, { collection: 'users', doc: owner }],
      ['device only → the device', { device }, { collection: 'devices', doc: device }],
      ['owner only → the owner', { owner }, { collection: 'users', doc: owner }],
      ['nobody → undefined', {}, undefined],
    ];
    for (const [name, party, want] of cases) it(name, () => expect(ownerElseDevice(party)).to.deep.equal(want));
  });

  describe('targetName', () => {
    it('names users and devices by id', () => {
      expect(targetName({ collection: 'users', doc: { _id: 'u1' } })).to.equal('user u1');
      expect(targetName({ collection: 'devices', doc: { _id: 'd1' } })).to.equal('device d1');
    });
  });

  describe('busyLeg', () => {
    it('keeps id, timing, caller ID and variables; drops failover, headers and confirm; dials the busy endpoint', () => {
      const leg: DialLeg = {
        id: 'dev1',
        endpoint: 'PJSIP/alice',
        callerId: { number: '100', name: 'Desk' },
        timeoutSec: 20,
        delaySec: 5,
        variables: { X: '1' },
        headers: { 'X-Foo': 'bar' },
        failover: { id: 'dev1', endpoint: 'Local/5551234@inbound' },
        confirm: { digit: '1', media: ['sound:beep'], timeoutMs: 5000 },
        failOnReject: true,
      };
      expect(busyLeg(leg)).to.deep.equal({
        id: 'dev1',
        endpoint: BUSY_ENDPOINT,
        callerId: { number: '100', name: 'Desk' },
        timeoutSec: 20,
        delaySec: 5,
        variables: { X: '1' },
        failOnReject: true,
      });
      expect(leg.endpoint).to.equal('PJSIP/alice');
    });
  });

  describe('busyWithoutCallWaiting', () => {
    const dev = (id: string, username?: string): Doc => ({ _id: id, ...(username ? { sip: { username } } : {}) });
    const ep = (device: Doc, callWaiting: boolean, owners: string[] = []): Endpoint => ({ id: String(device._id), device, owners, callWaiting }) as unknown as Endpoint;
    // Users' devices: u1 has a desk and a softphone, u2 a desk only.
    const owned: Record<string, Doc[]> = { u1: [dev('d1', 'desk1'), dev('d2', 'soft1')], u2: [dev('d3', 'desk2')] };
    const cases: { name: string; endpoints: Endpoint[]; inUse: string[]; want: string[]; asked: string[] | null }[] = [
      { name: 'call waiting on everywhere: nothing asked, nobody busy', endpoints: [ep(dev('d1', 'desk1'), true, ['u1'])], inUse: ['desk1'], want: [], asked: null },
      { name: 'off, the device itself on a call → busy', endpoints: [ep(dev('d9', 'lone'), false)], inUse: ['lone'], want: ['d9'], asked: ['lone'] },
      { name: 'off, idle → not busy', endpoints: [ep(dev('d9', 'lone'), false)], inUse: [], want: [], asked: ['lone'] },
      { name: 'off, another device of the same user on a call → busy', endpoints: [ep(dev('d1', 'desk1'), false, ['u1'])], inUse: ['soft1'], want: ['d1'], asked: ['desk1', 'soft1'] },
      {
        name: 'only the endpoints with call waiting off are looked at',
        endpoints: [ep(dev('d1', 'desk1'), true, ['u1']), ep(dev('d3', 'desk2'), false, ['u2'])],
        inUse: ['desk1', 'desk2'],
        want: ['d3'],
        asked: ['desk2'],
      },
      { name: 'a device without a SIP user name is never busy', endpoints: [ep(dev('d8'), false)], inUse: ['desk1'], want: [], asked: [] },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const seen: { asked: string[] | null } = { asked: null };
        const dir = { ownedDevices: async (userId: string) => owned[userId] ?? [] } as unknown as Directory;
        const busy = await busyWithoutCallWaiting(dir, c.endpoints, async (eps) => {
          seen.asked = [...eps].sort();
          return c.inUse.filter((u) => eps.includes(u));
        });
        expect([...busy].sort()).to.deep.equal(c.want);
        expect(seen.asked).to.deep.equal(c.asked);
      });
    }
    it('looks up each user\'s devices once', async () => {
      const calls: string[] = [];
      const dir = { ownedDevices: async (u: string) => (calls.push(u), owned[u] ?? []) } as unknown as Directory;
      await busyWithoutCallWaiting(dir, [ep(dev('d1', 'desk1'), false, ['u1']), ep(dev('d2', 'soft1'), false, ['u1'])], async () => []);
      expect(calls).to.deep.equal(['u1']);
    });
  });

  describe('afterBridgeOf', () => {
    const ctxWith = (v: unknown) => ({ attributes: v === undefined ? {} : { after_bridge: v } }) as unknown as CallContext;
    const cases: [string, unknown, ReturnType<typeof afterBridgeOf>][] = [
      ['nothing set', undefined, undefined],
      ['not an object', 'park', undefined],
      ['unknown action', { action: 'bounce', data: true }, undefined],
      ['park true', { action: 'park', data: true }, { action: 'park', data: true }],
      ['hangup false', { action: 'hangup', data: false }, { action: 'hangup', data: false }],
      ['transfer to a number', { action: 'transfer', data: '2000' }, { action: 'transfer', data: '2000' }],
      ['data of another type → false', { action: 'park', data: 1 }, { action: 'park', data: false }],
      ['data missing → false', { action: 'transfer' }, { action: 'transfer', data: false }],
    ];
    for (const [name, v, want] of cases) it(name, () => expect(afterBridgeOf(ctxWith(v))).to.deep.equal(want));
  });
});
