// End to end with the real Asterisk: a device created over the API is pushed into PJSIP at once,
// a real SIP phone (baresip) registers with it within 2 s, and GET .../status shows the
// registration (contact, user agent). Deleting removes it; pushAll() restores every device after
// Asterisk forgot them (a restart).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../lib/config.ts';
import { randomUUID } from 'node:crypto';
import { connectAri, type AriConnection } from '../../lib/asterisk/index.ts';
import { createAriDeviceProvisioner, type DeviceProvisioner } from '../../lib/devices/provisioner.ts';
import { SipPhone } from '../helpers/sip-phone.ts';
import { silentLogger } from '../../lib/log.ts';
import { startApi, type Harness } from './harness.ts';

describe('API: devices registered to Asterisk (end to end, baresip)', function () {
  const appName = `ariflow-e2e-${randomUUID().slice(0, 8)}`;
  this.timeout(30_000);
  const config = loadConfig();
  // The same ARI adapter the app uses (lib/asterisk is the only code that speaks ARI).
  let ari: AriConnection;
  let pjsip: AriConnection['pjsip'];
  let h: Harness;
  let base: string;
  let devices: DeviceProvisioner;
  const phones: SipPhone[] = [];
  // Unique per run: this Asterisk may be shared with other tests.
  const username = `e2e_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(9).toString('base64url');
  let deviceId = '';

  before(async () => {
    ari = await connectAri({ ...config, ariApp: appName }, silentLogger, { onCall: () => {} });
    pjsip = ari.pjsip;
    h = await startApi({
      devices: {
        push: (d) => devices.push(d),
        remove: (d) => devices.remove(d),
        state: (d) => devices.state(d),
        pushAll: () => devices.pushAll(),
      },
    });
    devices = createAriDeviceProvisioner({ pjsip, db: h.store.db, logger: silentLogger, app: appName });
    const acct = await h.childAccount(h.masterId, 'E2E');
    base = `/v2/accounts/${acct.id}`;
  });
  after(async () => {
    for (const p of phones) await p.stop().catch(() => {});
    if (deviceId) await h.request('DELETE', `${base}/devices/${deviceId}`).catch(() => {});
    for (const type of ['endpoint', 'aor', 'auth'] as const) await pjsip.deletePjsipObject(type, username).catch(() => {});
    await h?.close();
    await ari?.close();
  });

  it('registers a phone within 2 s of the device being created over the API, and shows it registered', async () => {
    const created = await h.request('PUT', `${base}/devices`, {
      json: { data: { name: 'E2E phone', device_type: 'sip_device', sip: { username, password }, caller_id: { internal: { name: 'E2E', number: '2099' } } } },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const t0 = Date.now();
    deviceId = created.body.data.id;

    const before = await h.request('GET', `${base}/devices/${deviceId}/status`);
    expect(before.body.data).to.include({ provisioned: true, registered: false });

    const phone = await SipPhone.start({ username, password });
    phones.push(phone);
    await phone.waitRegistered(2_000);
    const elapsed = Date.now() - t0;
    expect(elapsed, `registered after ${elapsed} ms`).to.be.below(2_000);

    const status = await h.request('GET', `${base}/devices/${deviceId}/status`);
    expect(status.status).to.equal(200);
    expect(status.body.data).to.include({ device_id: deviceId, provisioned: true, registered: true, endpoint_state: 'online' });
    expect(status.body.data.contact).to.match(new RegExp(`^sip:${username}.*@127\\.0\\.0\\.1:${phone.sipPort}`));
    expect(status.body.data.user_agent).to.match(/baresip/i);
    expect(status.body.data.source).to.equal(`127.0.0.1:${phone.sipPort}`);
    expect(Date.parse(status.body.data.expires)).to.be.greaterThan(Date.now());

    const listing = await h.request('GET', `${base}/devices/status`);
    expect(listing.body.data.find((d: { device_id: string }) => d.device_id === deviceId)).to.include({ registered: true });

    // Asterisk cannot update an endpoint with channel variables (ARIFLOW_APP), so an edit recreates it:
    // the phone's registration lives on the aor and survives.
    const edited = await h.request('PATCH', `${base}/devices/${deviceId}`, { json: { data: { name: 'E2E phone (desk 2)' } } });
    expect(edited.status).to.equal(200);
    const still = await h.request('GET', `${base}/devices/${deviceId}/status`);
    expect(still.body.data).to.include({ registered: true, endpoint_state: 'online' });
  });

  it('pushes every device again after Asterisk forgot them (restart / ARI reconnect)', async () => {
    for (const type of ['endpoint', 'aor', 'auth'] as const) await pjsip.deletePjsipObject(type, username);
    expect(await pjsip.getEndpointState(username)).to.equal(undefined);
    const counts = await devices.pushAll();
    expect(counts.failed).to.equal(0);
    expect(counts.pushed).to.be.greaterThan(0);
    expect(await pjsip.getEndpointState(username)).to.be.an('object');
    const auth = await pjsip.getPjsipObject('auth', username);
    expect(auth).to.include({ username, password });
  });

  it('updates the objects when the device changes and removes them when it is deleted', async () => {
    // An update of the endpoint keeps it sending its calls to this app (set_var is appended by Asterisk
    // on update, so it must not be sent twice).
    const renamed = await h.request('PATCH', `${base}/devices/${deviceId}`, { json: { data: { caller_id: { internal: { name: 'E2E renamed', number: '2098' } } } } });
    expect(renamed.status).to.equal(200);
    expect(await pjsip.getPjsipObject('endpoint', username)).to.include({ callerid: '"E2E renamed" <2098>', ARIFLOW_APP: appName });
    const newPassword = randomBytes(9).toString('base64url');
    const patched = await h.request('PATCH', `${base}/devices/${deviceId}`, { json: { data: { sip: { password: newPassword } } } });
    expect(patched.status).to.equal(200);
    expect(await pjsip.getPjsipObject('auth', username)).to.include({ password: newPassword });
    const disabled = await h.request('PATCH', `${base}/devices/${deviceId}`, { json: { data: { enabled: false } } });
    expect(disabled.status).to.equal(200);
    expect(await pjsip.getEndpointState(username)).to.equal(undefined);
    await h.request('PATCH', `${base}/devices/${deviceId}`, { json: { data: { enabled: true } } });
    expect(await pjsip.getEndpointState(username)).to.be.an('object');
    expect((await h.request('DELETE', `${base}/devices/${deviceId}`)).status).to.equal(200);
    deviceId = '';
    expect(await pjsip.getEndpointState(username)).to.equal(undefined);
    expect(await pjsip.getPjsipObject('auth', username)).to.equal(undefined);
  });
});
