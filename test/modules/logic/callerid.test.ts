// set_cid, prepend_cid, check_cid, cidlistmatch, lookupcidname and privacy on real calls: the caller ID
// is read back from ariflow's channel while the call is up.
import { expect } from 'chai';
import type { CallflowNode } from '../../../lib/engine/module.ts';
import type { SimCaller } from '../../helpers/ari-driver.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { callPinned, channelVar, finish, holdCall, steps } from './helpers.ts';

const hangup: CallflowNode = { module: 'hangup', data: {} };
const chain = (...nodes: CallflowNode[]): CallflowNode =>
  nodes.reduceRight<CallflowNode | undefined>((next, n) => (next ? { ...n, children: { ...(n.children ?? {}), _: next } } : n), undefined)!;

describe('logic modules: caller ID', function () {
  this.timeout(20_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  const cid = async (caller: SimCaller) => ({
    name: await channelVar(h, caller, 'CALLERID(name)'),
    number: await channelVar(h, caller, 'CALLERID(num)'),
  });

  describe('set_cid', () => {
    it('replaces the caller ID on the channel; an empty or absent value removes that rewrite again', async () => {
      const rewrite = await h.callflow(chain({ module: 'set_cid', data: { caller_id_name: 'Main Line', caller_id_number: '+14155550000' } }, holdCall));
      let caller = await h.call(rewrite, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Main Line', number: '+14155550000' });
      let rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['set_cid', '_']);
      expect(rec.caller_id_number).to.equal('+14155550000');
      expect((rec.attributes.caller_id as { base: unknown }).base).to.deep.equal({ name: 'Alice', number: '5551234' });

      const undo = await h.callflow(
        chain({ module: 'set_cid', data: { caller_id_name: 'Main Line', caller_id_number: '+14155550000' } }, { module: 'set_cid', data: { caller_id_name: 'Second' } }, holdCall),
      );
      caller = await h.call(undo, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Second', number: '5551234' });
      rec = await finish(h, caller);
      expect((rec.attributes.caller_id as { rewrite: unknown }).rewrite).to.deep.equal({ name: 'Second' });
    });
  });

  describe('prepend_cid', () => {
    it('accumulates prefixes (current), and a later set_cid rewrite replaces the prefixed value', async () => {
      const number = await h.callflow(
        chain(
          { module: 'prepend_cid', data: { caller_id_name_prefix: 'A:', caller_id_number_prefix: '9' } },
          { module: 'prepend_cid', data: { caller_id_name_prefix: 'B:' } },
          { module: 'set_cid', data: { caller_id_number: '2000' } },
          holdCall,
        ),
      );
      const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'B:A:Alice', number: '2000' });
      await finish(h, caller);
    });

    it('apply_to original replaces the prefixes and action reset removes them', async () => {
      const original = await h.callflow(
        chain({ module: 'prepend_cid', data: { caller_id_name_prefix: 'A:', caller_id_number_prefix: '9' } }, { module: 'prepend_cid', data: { caller_id_name_prefix: 'B:', apply_to: 'original' } }, holdCall),
      );
      let caller = await h.call(original, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'B:Alice', number: '5551234' });
      await finish(h, caller);

      const reset = await h.callflow(chain({ module: 'prepend_cid', data: { caller_id_name_prefix: 'A:', caller_id_number_prefix: '9' } }, { module: 'prepend_cid', data: { action: 'reset' } }, holdCall));
      caller = await h.call(reset, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Alice', number: '5551234' });
      const rec = await finish(h, caller);
      expect(rec.trace[1].reason).to.match(/^prefixes reset/);
    });
  });

  describe('check_cid', () => {
    const identity = { caller_id: { external: { name: 'Known Customer', number: '+15550001' } }, user_id: 'u-known' };

    it('regex match takes `match` and adopts the configured identity (caller ID and owner)', async () => {
      const number = await h.callflow({ module: 'check_cid', data: { regex: '^\\+?1?555', ...identity }, children: { match: holdCall, nomatch: hangup } });
      const caller = await h.call(number, { callerId: '"Bob" <5559876>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Known Customer', number: '+15550001' });
      const rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['check_cid', 'match']);
      expect(rec.attributes.owner_id).to.equal('u-known');
    });

    it('no match takes `nomatch` (else `_`) and leaves the caller ID alone', async () => {
      const withNomatch = await h.callflow({ module: 'check_cid', data: { regex: '^2\\d{3}$', ...identity }, children: { match: hangup, nomatch: holdCall } });
      let caller = await h.call(withNomatch, { callerId: '"Bob" <5559876>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Bob', number: '5559876' });
      let rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['check_cid', 'nomatch']);
      expect(rec.attributes.owner_id).to.equal(undefined);

      const onlyDefault = await h.callflow({ module: 'check_cid', data: { regex: '^2\\d{3}$' }, children: { match: hangup, _: holdCall } });
      caller = await h.call(onlyDefault, { callerId: '5559876' });
      await caller.waitUp();
      rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['check_cid', '_']);
    });

    it('a match without a `match` child continues to `_` without adopting the identity', async () => {
      const number = await h.callflow({ module: 'check_cid', data: { regex: '555', ...identity }, children: { _: holdCall } });
      const caller = await h.call(number, { callerId: '"Bob" <5559876>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Bob', number: '5559876' });
      const rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['check_cid', '_']);
      expect(rec.attributes.owner_id).to.equal(undefined);
    });

    it('absolute mode takes the child named by the caller ID, else `_` (identity only on a taken branch)', async () => {
      const flow: CallflowNode = { module: 'check_cid', data: { use_absolute_mode: true, ...identity }, children: { '+15551111': holdCall, _: hangup } };
      const number = await h.callflow(flow);
      let caller = await h.call(number, { callerId: '"Vip" <+15551111>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Known Customer', number: '+15550001' });
      let rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['check_cid', '+15551111']);

      caller = await h.call(number, { callerId: '"Other" <+15552222>' });
      await caller.waitEnded();
      rec = await h.record(caller.peerId);
      expect(steps(rec)[0]).to.deep.equal(['check_cid', '_']);
      expect(rec.caller_id_number).to.equal('+15552222');
      expect(rec.attributes.owner_id).to.equal(undefined);
    });

    it('an identity missing one of name, number, user_id is not adopted', async () => {
      const number = await h.callflow({ module: 'check_cid', data: { regex: '.*', caller_id: { external: { name: 'Half' } }, user_id: 'u1' }, children: { match: holdCall } });
      const caller = await h.call(number, { callerId: '"Bob" <5559876>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Bob', number: '5559876' });
      const rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['check_cid', 'match']);
      expect(rec.attributes.owner_id).to.equal(undefined);
    });

    it('an invalid regex continues to `_`', async () => {
      const number = await h.callflow({ module: 'check_cid', data: { regex: '(unclosed' }, children: { match: hangup, nomatch: hangup, _: holdCall } });
      const caller = await h.call(number, { callerId: '5559876' });
      await caller.waitUp();
      const rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['check_cid', '_']);
      expect(rec.trace[0].reason).to.match(/invalid regex/);
    });
  });

  describe('cidlistmatch', () => {
    let listId: string;
    before(async () => {
      listId = await h.doc('lists', {
        name: 'blocked',
        entries: [{ number: '+1900' }, { prefix: '44' }, { pattern: '^(anonymous|0000000000)$' }, { pattern: '(broken' }],
      });
    });

    it('matches by number prefix and by regex entry; anything else is `nomatch`', async () => {
      const number = await h.callflow({ module: 'cidlistmatch', data: { id: listId }, children: { match: hangup, nomatch: hangup } });
      const results: string[] = [];
      for (const callerId of ['+19005551234', '+442079460000', '"Blocked" <0000000000>', '+15551234567']) {
        const caller = await h.call(number, { callerId });
        await caller.waitEnded();
        results.push((await h.record(caller.peerId)).trace[0].result);
      }
      expect(results).to.deep.equal(['match', 'match', 'match', 'nomatch']);
    });

    it('a missing list, or no list id, is `nomatch`; without that child `_`', async () => {
      const missing = await h.callflow({ module: 'cidlistmatch', data: { id: 'no-such-list' }, children: { match: hangup, nomatch: hangup } });
      const noId = await h.callflow({ module: 'cidlistmatch', data: {}, children: { match: hangup, _: hangup } });
      let caller = await h.call(missing, { callerId: '+19005551234' });
      await caller.waitEnded();
      let rec = await h.record(caller.peerId);
      expect(steps(rec)[0]).to.deep.equal(['cidlistmatch', 'nomatch']);
      expect(rec.trace[0].reason).to.match(/not found/);
      caller = await h.call(noId, { callerId: '+19005551234' });
      await caller.waitEnded();
      rec = await h.record(caller.peerId);
      expect(steps(rec)[0]).to.deep.equal(['cidlistmatch', '_']);
    });
  });

  describe('lookupcidname', () => {
    let lists: string[];
    before(async () => {
      lists = [
        await h.doc('lists', { name: 'customers', entries: [{ number: '1415555', displayname: 'Bay Area' }, { number: '14155550100', displayname: 'Acme Corp' }] }),
        await h.doc('lists', { name: 'patterns', entries: [{ pattern: '^\\+44', name: 'UK caller' }] }),
      ];
    });

    it('sets the caller-ID name from the longest prefix entry, then from regex entries', async () => {
      const number = await h.callflow(chain({ module: 'lookupcidname', data: { lists } }, holdCall));
      let caller = await h.call(number, { callerId: '"WIRELESS CALLER" <+14155550100>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Acme Corp', number: '+14155550100' });
      await finish(h, caller);

      caller = await h.call(number, { callerId: '"X" <+442079460000>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'UK caller', number: '+442079460000' });
      const rec = await finish(h, caller);
      expect(rec.trace[0].reason).to.equal('caller id name "UK caller"');
    });

    it('leaves the caller ID unchanged without lists, with missing lists, or without an entry', async () => {
      const cases = [await h.callflow(chain({ module: 'lookupcidname', data: {} }, holdCall)), await h.callflow(chain({ module: 'lookupcidname', data: { lists: ['gone'] } }, holdCall)), await h.callflow(chain({ module: 'lookupcidname', data: { lists } }, holdCall))];
      const reasons: string[] = [];
      for (const number of cases) {
        const caller = await h.call(number, { callerId: '"Original" <+33123456789>' });
        await caller.waitUp();
        expect(await cid(caller)).to.deep.equal({ name: 'Original', number: '+33123456789' });
        const rec = await finish(h, caller);
        expect(rec.trace[0].result).to.equal('_');
        reasons.push(rec.trace[0].reason ?? '');
      }
      expect(reasons).to.deep.equal(['no lists', 'lists gone not found', 'no name for +33123456789']);
    });
  });

  describe('privacy', () => {
    it('full: the channel shows an anonymous, restricted caller ID', async () => {
      const number = await h.callflow(chain({ module: 'privacy', data: {} }, holdCall));
      const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'anonymous', number: '0000000000' });
      expect(await channelVar(h, caller, 'CALLERID(num-pres)')).to.match(/^prohib/);
      expect(await channelVar(h, caller, 'CALLERID(name-pres)')).to.match(/^prohib/);
      const rec = await finish(h, caller);
      expect(steps(rec)[0]).to.deep.equal(['privacy', '_']);
      expect(rec.trace[0].reason).to.equal('name and number hidden');
    });

    it('mode number hides the number only; mode none shows it again', async () => {
      const number = await h.callflow(chain({ module: 'privacy', data: { mode: 'number' } }, holdCall));
      let caller = await h.call(number, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Alice', number: '0000000000' });
      expect(await channelVar(h, caller, 'CALLERID(name-pres)')).to.match(/^allowed/);
      await finish(h, caller);

      const undo = await h.callflow(chain({ module: 'privacy', data: { mode: 'full' } }, { module: 'privacy', data: { mode: 'none' } }, holdCall));
      caller = await h.call(undo, { callerId: '"Alice" <5551234>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Alice', number: '5551234' });
      expect(await channelVar(h, caller, 'CALLERID(num-pres)')).to.match(/^allowed/);
      await finish(h, caller);
    });

    it('endpoint_strategy merge ORs in the calling device’s outbound privacy', async () => {
      await h.doc('devices', { name: 'private phone', sip: { username: 'priv-phone-1' }, caller_id_options: { outbound_privacy: 'name' } });
      const merge = await h.callflow(chain({ module: 'privacy', data: { mode: 'number', endpoint_strategy: 'merge' } }, holdCall));
      const overwrite = await h.callflow(chain({ module: 'privacy', data: { mode: 'number' } }, holdCall));
      let caller = await callPinned(h, merge, { endpoint: 'priv-phone-1', callerId: '"Alice" <2001>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'anonymous', number: '0000000000' });
      await finish(h, caller);
      caller = await callPinned(h, overwrite, { endpoint: 'priv-phone-1', callerId: '"Alice" <2001>' });
      await caller.waitUp();
      expect(await cid(caller)).to.deep.equal({ name: 'Alice', number: '0000000000' });
      await finish(h, caller);
    });
  });
});
