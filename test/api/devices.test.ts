// Devices over the API with a recording provisioner: every create, change and delete reaches
// Asterisk's side at once; SIP user names are unique across accounts; Kazoo's device fields are kept;
// Asterisk being down never loses a change. Plus the pure device → PJSIP mapping.
import { expect } from 'chai';
import { pjsipObjectsFor } from '../../lib/devices/pjsip.ts';
import type { DeviceProvisioner } from '../../lib/devices/provisioner.ts';
import type { DeviceLike } from '../../lib/devices/pjsip.ts';
import { startApi, type Harness } from './harness.ts';

class RecordingProvisioner implements DeviceProvisioner {
  calls: Array<[string, string | undefined]> = [];
  failing = false;
  async push(d: DeviceLike) {
    if (this.failing) throw new Error('ARI unreachable');
    this.calls.push(['push', d.sip?.username as string | undefined]);
  }
  async remove(d: DeviceLike) {
    if (this.failing) throw new Error('ARI unreachable');
    this.calls.push(['remove', d.sip?.username as string | undefined]);
  }
  async state(d: DeviceLike) {
    return { provisioned: true, registered: d.sip?.username === 'online_one', endpoint_state: 'online', contact: 'sip:x@127.0.0.1:5099', user_agent: 'Test UA' };
  }
  async pushAll() {
    return { pushed: 0, removed: 0, failed: 0 };
  }
}

describe('API: devices', function () {
  let h: Harness;
  let base: string;
  const prov = new RecordingProvisioner();
  before(async () => {
    h = await startApi({ devices: prov });
    const acct = await h.childAccount(h.masterId, 'Devices');
    base = `/v2/accounts/${acct.id}`;
  });
  after(async () => h?.close());
  beforeEach(() => {
    prov.calls = [];
    prov.failing = false;
  });

  it('pushes a device on create and change, removes the old name on rename, and removes it on delete', async () => {
    const created = await h.request('PUT', `${base}/devices`, { json: { data: { name: 'Desk', sip: { username: 'desk_100', password: 'pw-100-abc' } } } });
    expect(created.status).to.equal(201);
    const id = created.body.data.id;
    expect(prov.calls).to.deep.equal([['push', 'desk_100']]);
    await h.request('PATCH', `${base}/devices/${id}`, { json: { data: { sip: { password: 'pw-100-new' } } } });
    expect(prov.calls.slice(1)).to.deep.equal([['push', 'desk_100']]);
    await h.request('PATCH', `${base}/devices/${id}`, { json: { data: { sip: { username: 'desk_101' } } } });
    expect(prov.calls.slice(2)).to.deep.equal([['remove', 'desk_100'], ['push', 'desk_101']]);
    await h.request('DELETE', `${base}/devices/${id}`);
    expect(prov.calls.slice(4)).to.deep.equal([['remove', 'desk_101']]);
    // The old name is free again.
    expect((await h.request('PUT', `${base}/devices`, { json: { data: { name: 'Reuse', sip: { username: 'desk_100', password: 'pw-100-abc' } } } })).status).to.equal(201);
  });

  it('keeps SIP user names unique (case-insensitively), naming the device in the same account', async () => {
    const first = await h.request('PUT', `${base}/devices`, { json: { data: { name: 'A', sip: { username: 'Shared_Name', password: 'pw-a-12345' } } } });
    const second = await h.request('PUT', `${base}/devices`, { json: { data: { name: 'B', sip: { username: 'shared_name', password: 'pw-b-12345' } } } });
    expect(second.status).to.equal(400);
    expect(second.body.data['sip.username'].unique.message).to.include(first.body.data.id);
    const races = await Promise.all(
      Array.from({ length: 6 }, (_, i) => h.request('PUT', `${base}/devices`, { json: { data: { name: `R${i}`, sip: { username: 'race_name', password: 'pw-race-123' } } } })),
    );
    expect(races.filter((r) => r.status === 201)).to.have.length(1);
  });

  it("stores Kazoo's device fields for the modules (DND, call forward, caller ID, restrictions…) as sent", async () => {
    const data = {
      name: 'Full',
      device_type: 'sip_device',
      owner_id: undefined,
      enabled: true,
      sip: { username: 'full_dev', password: 'pw-full-123', realm: 'acme.example.net', invite_format: 'contact', expire_seconds: '300' },
      do_not_disturb: { enabled: true },
      call_forward: { enabled: true, number: '+14155550111', substitute: false, require_keypress: true, keep_caller_id: true, direct_calls_only: true, failover: false },
      caller_id: { internal: { name: 'Front Desk', number: '2005' }, external: { number: '+14155550100' }, emergency: { number: '+14155550100' } },
      call_restriction: { international: { action: 'deny' } },
      call_waiting: { enabled: false },
      media: { audio: { codecs: ['PCMA', 'PCMU'] }, encryption: { enforce_security: false } },
      music_on_hold: { media_id: 'silence_stream://1000' },
      ringtones: { internal: 'ring1' },
      presence_id: '2005',
      language: 'en-us',
      dial_plan: { '^(\\d{4})$': { prefix: '2' } },
      hotdesk: { users: {} },
      outbound_flags: ['local'],
      custom_vendor_field: { x: 1 },
    };
    delete (data as Record<string, unknown>).owner_id;
    const res = await h.request('PUT', `${base}/devices`, { json: { data } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const got = await h.request('GET', `${base}/devices/${res.body.data.id}`);
    expect(got.body.data).to.deep.equal({ ...data, id: res.body.data.id });
  });

  it('saves a device even when Asterisk is unreachable (it is pushed again on reconnect)', async () => {
    prov.failing = true;
    const res = await h.request('PUT', `${base}/devices`, { json: { data: { name: 'Offline', sip: { username: 'offline_1', password: 'pw-off-123' } } } });
    expect(res.status).to.equal(201);
    expect((await h.request('GET', `${base}/devices/${res.body.data.id}`)).status).to.equal(200);
  });

  it('reads the registration state of one device and of every SIP device of the account', async () => {
    const res = await h.request('PUT', `${base}/devices`, { json: { data: { name: 'Online', sip: { username: 'online_one', password: 'pw-on-123' } } } });
    const one = await h.request('GET', `${base}/devices/${res.body.data.id}/status`);
    expect(one.status).to.equal(200);
    expect(one.body.data).to.deep.include({ device_id: res.body.data.id, registered: true, contact: 'sip:x@127.0.0.1:5099', user_agent: 'Test UA' });
    const all = await h.request('GET', `${base}/devices/status`);
    expect(all.status).to.equal(200);
    expect(all.body.data.find((d: { device_id: string }) => d.device_id === res.body.data.id).registered).to.equal(true);
    expect(all.body.data.filter((d: { registered: boolean }) => !d.registered).length).to.be.greaterThan(0);
  });

  it('answers 503 for the state when no Asterisk is configured', async () => {
    const bare = await startApi();
    try {
      const made = await bare.request('PUT', `/v2/accounts/${bare.masterId}/devices`, { json: { data: { name: 'x', sip: { username: 'nobody_1', password: 'pw-nobody-1' } } } });
      expect((await bare.request('GET', `/v2/accounts/${bare.masterId}/devices/${made.body.data.id}/status`)).status).to.equal(503);
    } finally {
      await bare.close();
    }
  });
});

describe('devices → PJSIP objects', () => {
  it('maps a password device to auth, aor (one contact, replaced) and endpoint (from-devices, G.711)', () => {
    const o = pjsipObjectsFor({ _id: 'x', sip: { username: 'user_1', password: 'secret-1' }, media: { audio: { codecs: ['PCMA', 'OPUS'] } }, caller_id: { internal: { name: 'Desk "1"', number: '2001' } } });
    expect(o).to.deep.equal({
      id: 'user_1',
      auth: { auth_type: 'userpass', username: 'user_1', password: 'secret-1' },
      aor: { max_contacts: '1', remove_existing: 'yes' },
      endpoint: {
        context: 'from-devices',
        disallow: 'all',
        allow: 'alaw,ulaw',
        auth: 'user_1',
        aors: 'user_1',
        direct_media: 'no',
        rtp_symmetric: 'yes',
        force_rport: 'yes',
        rewrite_contact: 'yes',
        dtmf_mode: 'rfc4733',
        callerid: '"Desk 1" <2001>',
      },
    });
  });

  it("sends the device's own calls to the app that provisioned it (ARIFLOW_APP on the endpoint)", () => {
    const device = { _id: 'x', sip: { username: 'user_1', password: 'secret-1' } };
    expect(pjsipObjectsFor(device, { app: 'ariflow-test-7' })?.endpoint.set_var).to.equal('ARIFLOW_APP=ariflow-test-7');
    expect(pjsipObjectsFor(device)?.endpoint.set_var).to.equal(undefined);
    // A name that could smuggle a second variable or dialplan syntax is not set.
    expect(pjsipObjectsFor(device, { app: 'a,b=c' })?.endpoint.set_var).to.equal(undefined);
  });

  it('gives nothing for devices that must not register', () => {
    expect(pjsipObjectsFor({ _id: 'x', sip: { username: 'u_2', password: 'p' }, enabled: false })).to.equal(undefined);
    expect(pjsipObjectsFor({ _id: 'x', sip: { username: 'u_2', password: 'p' }, enabled: 'false' })).to.equal(undefined);
    expect(pjsipObjectsFor({ _id: 'x', sip: { username: 'u_2', password: 'p', method: 'ip' } })).to.equal(undefined);
    expect(pjsipObjectsFor({ _id: 'x', sip: { username: 'u_2' } })).to.equal(undefined);
    expect(pjsipObjectsFor({ _id: 'x', sip: { username: 'bad/name', password: 'p' } })).to.equal(undefined);
    expect(pjsipObjectsFor({ _id: 'x', call_forward: { enabled: true } })).to.equal(undefined);
  });
});
