// camping_feature on real calls: a busy extension → the camper is told and hung up; once the extension is
// free the camper's phone rings and, answered, calls the extension. An idle extension is reached at once.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { legsRung, steps, until } from '../ringing/helpers.ts';
import { callFrom, phone } from './helpers.ts';

describe('cross-call: camping_feature (real calls)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  /** GET /v2/accounts/{id}/camping → the listed requests. */
  async function listed(): Promise<Record<string, Record<string, unknown>>> {
    const auth = await fetch(`${h.baseUrl}/v2/api_auth`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }) });
    const token = ((await auth.json()) as { auth_token: string }).auth_token;
    const res = await fetch(`${h.baseUrl}/v2/accounts/${h.accountId}/camping`, { headers: { 'X-Auth-Token': token } });
    expect(res.status).to.equal(200);
    return ((await res.json()) as { data: { requests: Record<string, Record<string, unknown>> } }).data.requests;
  }

  it('busy target: camper-queue, then a call-back that calls the extension once it is free; idle: straight through; unknown: camper-deny', async () => {
    const target = await phone(h, 'answer');
    const camper = await phone(h, 'answer');
    const ext = '5' + String(Date.now()).slice(-5);
    await h.callflow({ module: 'device', data: { id: target.id } }, { numbers: [ext] });
    await h.callflow({ module: 'camping_feature', data: { timeout: 20 } }, { patterns: ['^\\*5([0-9]+)$'] });
    // Requests left by an earlier process: an expired one (removed by the next camp request) and a live one
    // (not resumed: listed as another process's).
    const hour = 3600_000;
    const left = (expires: number) => ({ extension: '999', target: { device_ids: [], endpoints: [] }, camper_device_id: camper.id, status: 'waiting', created_at: new Date().toISOString(), expires_at: new Date(expires).toISOString(), boot_id: 'earlier-process' });
    await h.db.collection('camping').insertOne({ _id: h.accountId as never, account_id: h.accountId, requests: { old: left(Date.now() - hour), other: left(Date.now() + hour) } });
    const busyCall = await h.call(ext);
    await busyCall.waitUp();
    const camp = await callFrom(h, camper, `*5${ext}`);
    await camp.waitPlayback('PlaybackFinished', 'sound:vm-tocallback', 8000);
    await camp.waitEnded();
    const reason = (await h.record(camp.peerId)).trace[0].reason;
    expect(reason).to.match(new RegExp(`^camping on ${ext} \\(([0-9a-f]{32})\\)$`));
    const campId = String(reason).match(/\(([0-9a-f]{32})\)/)![1];
    const stored = (await h.db.collection('camping').findOne({ _id: h.accountId as never })) as { requests: Record<string, unknown> } | null;
    expect(Object.keys(stored!.requests).sort()).to.deep.equal([campId, 'other'].sort());
    const requests = await listed();
    expect(Object.keys(requests).sort()).to.deep.equal([campId, 'other'].sort());
    expect(requests[campId]).to.deep.include({ extension: ext, camper_device_id: camper.id, status: 'waiting', in_this_process: true });
    expect(requests[campId].target).to.deep.equal({ device_ids: [target.id], endpoints: [target.username] });
    expect(requests.other).to.include({ in_this_process: false });
    expect(h.logs.some((l) => l.msg === 'camp requests of another ariflow process are not resumed: they stay until they expire')).to.equal(true);
    const entered = () => h.logs.filter((l) => l.msg === 'call entered' && l.exten === ext).length;
    expect(entered()).to.equal(1);
    await busyCall.hangup();
    // The camper's phone answers (1 s) and its call to the extension enters ariflow, ringing the target.
    await until('the call-back reached the extension', () => entered() === 2, 10_000);
    const back = h.logs.filter((l) => l.msg === 'call entered' && l.exten === ext)[1];
    await until('the target rings again', () => legsRung(h, String(back.call)).some((l) => l.leg === target.id), 5000);
    await until('the request is done and removed', async () => !(campId in (await listed())), 5000);
    await h.driver.rest('DELETE', `/channels/${String(back.call)}`).catch(() => {});

    const idle = await callFrom(h, camper, `*5${ext}`);
    await until('the idle target rings', () => legsRung(h, idle.peerId).some((l) => l.leg === target.id), 5000);
    await idle.hangup();
    expect(steps(await h.record(idle.peerId))[0]).to.deep.equal(['camping_feature', 'branch']);

    const unknown = await callFrom(h, camper, '*5999999');
    await unknown.waitPlayback('PlaybackStarted', 'sound:cannot-complete-as-dialed', 8000);
    await unknown.hangup();
  });
});
