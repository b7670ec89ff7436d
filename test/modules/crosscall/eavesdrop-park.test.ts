// eavesdrop / eavesdrop_feature (a snoop on the target's channel bridged with the eavesdropper) and park
// (slots, retrieve, ring-back of the parker on timeout, the slot child, parked_calls) on real calls.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { legsRung, steps, until } from '../ringing/helpers.ts';
import { bridgesOf, callFrom, phone, together } from './helpers.ts';

describe('cross-call: eavesdrop and park (real calls)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  /** The snoop channel bridged with `id`, if any. */
  async function snoopWith(id: string): Promise<{ id: string; name: string } | undefined> {
    const chans = await h.driver.rest<{ id: string; name: string }[]>('GET', '/channels');
    for (const b of await bridgesOf(h, id)) {
      const snoop = chans.find((c) => b.channels.includes(c.id) && c.name.startsWith('Snoop/'));
      if (snoop) return snoop;
    }
    return undefined;
  }

  it('eavesdrop: the approved device listens through a snoop on the target\'s answered call', async () => {
    const target = await phone(h, 'answer');
    const boss = await phone(h, 'answer');
    const caller = await h.call(await h.callflow({ module: 'device', data: { id: target.id } }));
    await caller.waitUp();
    const code = await h.callflow({ module: 'eavesdrop', data: { device_id: target.id, approved_device_id: boss.id, mode: 'whisper' } });
    const spy = await callFrom(h, boss, code);
    await spy.waitUp();
    await until('a snoop is bridged with the eavesdropper', async () => (await snoopWith(spy.peerId)) !== undefined);
    // The target's call goes on undisturbed.
    const [leg] = legsRung(h, caller.peerId);
    expect(await together(h, caller.peerId, leg.channel)).to.equal(true);
    expect(h.logs.some((l) => l.call === spy.peerId && l.msg === 'eavesdropping' && l.mode === 'whisper')).to.equal(true);
    // The target's call ends: so does the eavesdrop.
    await caller.hangup();
    await spy.waitEnded();
    const rec = await h.record(spy.peerId);
    expect(steps(rec)).to.deep.equal([['eavesdrop', 'stop']]);
    expect(rec.trace[0].reason).to.equal('eavesdropped (whisper)');
  });

  it('eavesdrop: DTMF switches the mode (2 whisper, 3 full, 1 whisper_other, 0 listen; others ignored), one snoop at a time', async () => {
    const target = await phone(h, 'answer');
    const boss = await phone(h, 'answer');
    const caller = await h.call(await h.callflow({ module: 'device', data: { id: target.id } }));
    await caller.waitUp();
    const spy = await callFrom(h, boss, await h.callflow({ module: 'eavesdrop', data: { device_id: target.id, approved_device_id: boss.id } }));
    await until('snooping', async () => (await snoopWith(spy.peerId)) !== undefined);
    const snoops = async () => {
      const chans = await h.driver.rest<{ id: string; name: string }[]>('GET', '/channels');
      const inBridge = (await bridgesOf(h, spy.peerId)).flatMap((b) => b.channels);
      return chans.filter((c) => inBridge.includes(c.id) && c.name.startsWith('Snoop/')).map((c) => c.id);
    };
    const changes = () => h.logs.filter((l) => l.call === spy.peerId && l.msg === 'eavesdrop mode changed').map((l) => String(l.mode));
    let last = (await snoops())[0];
    for (const [digit, mode] of [['2', 'whisper'], ['5', undefined], ['3', 'full'], ['1', 'whisper_other'], ['0', 'listen']] as const) {
      const before = changes().length;
      await spy.sendDtmf(digit);
      if (!mode) {
        await new Promise((r) => setTimeout(r, 300));
        expect(changes().length).to.equal(before);
        continue;
      }
      await until(`mode ${mode}`, () => changes().length === before + 1);
      expect(changes()[before]).to.equal(mode);
      await until('one new snoop in the bridge', async () => {
        const now = await snoops();
        return now.length === 1 && now[0] !== last;
      });
      // Hung up already (the switch is logged after it): Asterisk may still list it until its audiohook
      // detaches, but a hangup finds no such channel.
      expect(await h.driver.rest('DELETE', `/channels/${last}`).then(() => 'alive', (e: Error) => e.message)).to.match(/404/);
      last = (await snoops())[0];
    }
    // The target's call is untouched by the switches.
    expect(await together(h, caller.peerId, legsRung(h, caller.peerId)[0].channel)).to.equal(true);
    await spy.hangup();
    await spy.waitEnded();
    await until('the last snoop left the bridge', async () => (await bridgesOf(h, last)).length === 0);
    expect(await h.driver.rest('DELETE', `/channels/${last}`).then(() => 'alive', (e: Error) => e.message)).to.match(/404/);
    const rec = await h.record(spy.peerId);
    expect(rec.trace[0].reason).to.equal('eavesdropped (listen → whisper → full → whisper_other → listen)');
    await caller.hangup();
  });

  it('eavesdrop: `*` moves to the target user\'s next call and back, keeping the mode; alone, `*` changes nothing', async () => {
    const user = await h.doc('users', { first_name: 'Two', last_name: 'Calls' });
    const desk = await phone(h, 'answer', { owner_id: user });
    const soft = await phone(h, 'answer', { owner_id: user });
    const boss = await phone(h, 'answer');
    const first = await h.call(await h.callflow({ module: 'device', data: { id: desk.id } }));
    await first.waitUp();
    const spied = () => {
      const lines = h.logs.filter((l) => l.call === spy.peerId && (l.msg === 'eavesdropping' || l.msg === 'eavesdrop target changed'));
      return lines.map((l) => String(l.target));
    };
    const spy = await callFrom(h, boss, await h.callflow({ module: 'eavesdrop', data: { user_id: user, approved_device_id: boss.id, mode: 'whisper' } }));
    await until('snooping', async () => (await snoopWith(spy.peerId)) !== undefined && spied().length === 1);
    const deskLeg = legsRung(h, first.peerId)[0].channel;
    expect(spied()).to.deep.equal([deskLeg]);
    // One call only: `*` stays on it.
    await spy.sendDtmf('*');
    await new Promise((r) => setTimeout(r, 300));
    expect(spied()).to.deep.equal([deskLeg]);

    const second = await h.call(await h.callflow({ module: 'device', data: { id: soft.id } }));
    await second.waitUp();
    const softLeg = legsRung(h, second.peerId)[0].channel;
    await spy.sendDtmf('*');
    await until('on the second call', () => spied().length === 2);
    expect(spied()).to.deep.equal([deskLeg, softLeg]);
    // The snoop in the eavesdropper's bridge now spies on the soft phone's call (Asterisk names it after its id).
    await until('the snoop follows', async () => (await snoopWith(spy.peerId))?.name.startsWith(`Snoop/${softLeg}-`) === true);
    await spy.sendDtmf('*');
    await until('back on the first call', () => spied().length === 3);
    expect(spied()[2]).to.equal(deskLeg);
    await until('the snoop is back', async () => (await snoopWith(spy.peerId))?.name.startsWith(`Snoop/${deskLeg}-`) === true);
    // Both calls went on undisturbed.
    expect(await together(h, first.peerId, deskLeg)).to.equal(true);
    expect(await together(h, second.peerId, softLeg)).to.equal(true);
    await spy.hangup();
    await spy.waitEnded();
    const rec = await h.record(spy.peerId);
    // The mode stayed whisper across the moves.
    expect(rec.trace[0].reason).to.equal('eavesdropped (whisper)');
    const moves = h.logs.filter((l) => l.call === spy.peerId && l.msg === 'eavesdrop target changed');
    expect(moves.map((l) => l.mode)).to.deep.equal(['whisper', 'whisper']);
    await first.hangup();
    await second.hangup();
  });

  it('eavesdrop: no approval field → refused; target idle → pickup-no_channels', async () => {
    const target = await phone(h, 'answer');
    const boss = await phone(h, 'answer');
    const refused = await callFrom(h, boss, await h.callflow({ module: 'eavesdrop', data: { device_id: target.id } }));
    await refused.waitPlayback('PlaybackFinished', 'sound:privacy-unident', 8000);
    await refused.waitEnded();
    expect((await h.record(refused.peerId)).trace[0].reason).to.equal('not permitted');
    const idle = await callFrom(h, boss, await h.callflow({ module: 'eavesdrop', data: { device_id: target.id, approved_device_id: boss.id } }));
    await idle.waitPlayback('PlaybackStarted', 'sound:im-sorry', 8000);
    await idle.hangup();
    expect((await h.record(idle.peerId)).trace[0].module).to.equal('eavesdrop');
  });

  it('eavesdrop_feature: the captured extension → an eavesdrop branch approved for the calling device; group check', async () => {
    const user = await h.doc('users', { first_name: 'Eve', last_name: 'Target' });
    const target = await phone(h, 'answer', { owner_id: user });
    const boss = await phone(h, 'answer');
    const ext = '4' + String(Date.now()).slice(-5);
    await h.callflow({ module: 'user', data: { id: user } }, { numbers: [ext] });
    const group = await h.doc('groups', { name: 'watched', endpoints: { [user]: { type: 'user' } } });
    const other = await h.doc('groups', { name: 'other', endpoints: {} });
    await h.callflow({ module: 'eavesdrop_feature', data: { approved_device_id: boss.id, group_id: group } }, { patterns: ['^\\*82([0-9]+)$'] });
    await h.callflow({ module: 'eavesdrop_feature', data: { approved_device_id: boss.id, group_id: other } }, { patterns: ['^\\*83([0-9]+)$'] });
    const caller = await h.call(ext);
    await caller.waitUp();
    const notInGroup = await callFrom(h, boss, `*83${ext}`);
    await notInGroup.waitPlayback('PlaybackStarted', 'sound:privacy-unident', 8000);
    await notInGroup.hangup();
    const spy = await callFrom(h, boss, `*82${ext}`);
    await until('snooping', async () => (await snoopWith(spy.peerId)) !== undefined);
    await spy.hangup();
    const rec = await h.record(spy.peerId);
    expect(steps(rec)).to.deep.equal([
      ['eavesdrop_feature', 'branch'],
      ['eavesdrop', 'stop'],
    ]);
    const data = rec.trace[1].data as unknown;
    expect(typeof data === 'string' ? JSON.parse(data) : data).to.deep.include({ user_id: user, approved_device_id: boss.id });
    // The target's call is untouched by the eavesdropper leaving.
    expect(await together(h, caller.peerId, legsRung(h, caller.peerId)[0].channel)).to.equal(true);
    await caller.hangup();
  });

  it('park: a call parks in the first free slot (101, then 102), parked_calls shows it, *4<slot> retrieves it', async () => {
    const parkNo = await h.callflow({ module: 'park', data: { action: 'park' } });
    await h.callflow({ module: 'park', data: { action: 'retrieve' } }, { patterns: ['^\\*4([0-9]+)$'] });
    const p1 = await h.call(parkNo, { callerId: '"Parked" <5550001>' });
    await p1.waitUp();
    const p2 = await h.call(parkNo);
    await p2.waitUp();
    const doc = async () => (await h.db.collection('parked_calls').findOne({ _id: h.accountId as never })) as { slots?: Record<string, { call_id: string; status: string }> } | null;
    await until('both slots recorded', async () => Object.keys((await doc())?.slots ?? {}).length === 2);
    expect((await doc())!.slots!['101']).to.include({ call_id: p1.peerId, status: 'parked' });
    expect((await doc())!.slots!['102']).to.include({ call_id: p2.peerId });
    const r = await callFrom(h, await phone(h, 'answer'), '*4101');
    await until('retriever bridged with the parked call', () => together(h, r.peerId, p1.peerId));
    await until('slot 101 freed', async () => !(await doc())?.slots?.['101']);
    await r.hangup();
    await p1.waitEnded();
    expect((await h.record(p1.peerId)).trace[0].reason).to.equal('retrieved from slot 101');
    expect((await h.record(r.peerId)).trace[0].reason).to.equal('retrieved the call in slot 101');
    await p2.hangup();
    await until('slot 102 freed', async () => !(await doc())?.slots?.['102']);
  });

  it('park: BLF lamps of slots (Stasis:<dialled prefix><slot>@realm, per-slot presence) and GET /parked_calls', async () => {
    await h.db.collection('accounts').updateOne({ _id: h.accountId as never }, { $set: { realm: 'park.example.test' } });
    await h.callflow(
      { module: 'park', data: { action: 'auto', slots: { '171': { presence_id: 'lot-a', presence_type: 'confirmed' } } } },
      { patterns: ['^\\*3([0-9]+)$'] },
    );
    const lamp = async (name: string) => (await h.driver.rest<{ state: string }>('GET', `/deviceStates/${encodeURIComponent(`Stasis:${name}`)}`)).state;
    const auth = await fetch(`${h.baseUrl}/v2/api_auth`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }) });
    const token = ((await auth.json()) as { auth_token: string }).auth_token;
    const parked = async () => {
      const res = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/parked_calls`, { headers: { 'X-Auth-Token': token } });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { status: string; data: { slots: Record<string, Record<string, unknown>> } };
      expect(body.status).to.equal('success');
      return body.data.slots;
    };
    expect((await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/parked_calls`)).status).to.equal(401);

    const outside = await phone(h, 'answer');
    const p1 = await callFrom(h, outside, '*3170');
    await p1.waitUp();
    await until('slot 170 lit (early = ringing)', async () => (await lamp('*3170@park.example.test')) === 'RINGING');
    await until('slot 170 listed', async () => (await parked())['170'] !== undefined);
    expect((await parked())['170']).to.include({ call_id: p1.peerId, slot: '170', status: 'parked', presence_id: '*3170@park.example.test', caller_id_number: outside.username });
    const p2 = await callFrom(h, outside, '*3171');
    await p2.waitUp();
    await until('slot 171 lit with its own presence (confirmed = in use)', async () => (await lamp('lot-a@park.example.test')) === 'INUSE');
    expect(Object.keys(await parked()).sort()).to.include.members(['170', '171']);

    // *3170 again retrieves (auto): the slot goes dark and leaves the list.
    const r = await callFrom(h, await phone(h, 'answer'), '*3170');
    await until('retrieved', () => together(h, r.peerId, p1.peerId));
    await until('slot 170 idle', async () => (await lamp('*3170@park.example.test')) === 'NOT_INUSE');
    await until('slot 170 unlisted', async () => (await parked())['170'] === undefined);
    // The parked call hanging up frees its slot too (the lamp is reset after the channel is gone).
    await p2.hangup();
    await until('slot 171 idle', async () => (await lamp('lot-a@park.example.test')) === 'NOT_INUSE');
    await until('slot 171 unlisted', async () => (await parked())['171'] === undefined);
    await r.hangup();
    await p1.waitEnded();
  });

  it('park: empty slot → park-no_caller and `_`; given slot in use → park-already_in_use; MAX_SLOT_EXCEEDED', async () => {
    const empty = await h.call(await h.callflow({ module: 'park', data: { action: 'retrieve', slot: '177' } }));
    await empty.waitPlayback('PlaybackStarted', 'sound:pbx-invalidpark', 8000);
    await empty.hangup();
    const slotNo = await h.callflow({ module: 'park', data: { action: 'park', slot: '150' } });
    const holder = await h.call(slotNo);
    await holder.waitUp();
    await until('150 held', async () => !!(await h.db.collection('parked_calls').findOne({ _id: h.accountId as never, 'slots.150': { $exists: true } })));
    const second = await h.call(slotNo);
    await second.waitPlayback('PlaybackStarted', 'sound:pbx-parkingfailed', 8000);
    await second.hangup();
    const limited = await h.call(await h.callflow({ module: 'park', data: { max_slot_number: 100 }, children: { MAX_SLOT_EXCEEDED: { module: 'play', data: { id: 'beep' } } } }));
    await limited.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await limited.waitEnded();
    expect(steps(await h.record(limited.peerId))).to.deep.equal([
      ['park', 'MAX_SLOT_EXCEEDED'],
      ['play', '_ (no child)'],
    ]);
    await holder.hangup();
  });

  it('park: on timeout the parker (who blind-transferred the call) is rung back and bridged; ring-back failure takes the slot child', async () => {
    const parker = await phone(h, 'answer');
    const number = await h.callflow({ module: 'park', data: { slot: '160', default_ringback_timeout: 1000, default_callback_timeout: 2000 } });
    const parked = await h.call(number, { variables: { __BLINDTRANSFER: `PJSIP/${parker.username}-0000002a` } });
    await parked.waitUp();
    await until('the parker rings back', () => legsRung(h, parked.peerId).some((l) => l.leg === parker.id), 5000);
    const [leg] = legsRung(h, parked.peerId);
    await until('parked call bridged with the parker', () => together(h, parked.peerId, leg.channel), 5000);
    await parked.hangup();
    expect((await h.record(parked.peerId)).trace[0].reason).to.equal(`parker ${parker.id} answered the ring-back`);

    const deaf = await phone(h, 'noanswer');
    const n2 = await h.callflow({ module: 'park', data: { slot: '161', default_ringback_timeout: 500, default_callback_timeout: 1000 }, children: { '161': { module: 'play', data: { id: 'beep' } } } });
    const p2 = await h.call(n2, { variables: { __BLINDTRANSFER: `PJSIP/${deaf.username}-0000002b` } });
    await p2.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    await p2.waitEnded();
    expect(steps(await h.record(p2.peerId))).to.deep.equal([
      ['park', '161'],
      ['play', '_ (no child)'],
    ]);
  });
});
