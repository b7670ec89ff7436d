// Registration state of devices, read from Asterisk:
//   GET /v2/accounts/{account_id}/devices/status        every SIP device of the account (Kazoo's listing)
//   GET /v2/accounts/{account_id}/devices/{id}/status   one device: registered, contact, user agent…
// Registered here before the generic `devices/{id}` routes so `status` is not read as an id.
import { requireDocs, send } from '../context.ts';
import { UnavailableError } from '../errors.ts';
import type { DeviceProvisioner, RegistrationState } from '../../devices/provisioner.ts';
import type { DeviceLike } from '../../devices/pjsip.ts';
import { type ApiRouter, type ApiServices } from '../services.ts';
import { loadDocument } from './documents.ts';

async function stateOf(devices: DeviceProvisioner, doc: DeviceLike): Promise<RegistrationState> {
  try {
    return await devices.state(doc);
  } catch {
    throw new UnavailableError('Asterisk');
  }
}

export function registerDeviceRoutes(router: ApiRouter, s: ApiServices): void {
  const provisioner = (): DeviceProvisioner => {
    if (!s.devices) throw new UnavailableError('Asterisk');
    return s.devices;
  };

  router.get('/accounts/:account_id/devices/status', s.auth, s.access, async (ctx) => {
    const devices = provisioner();
    const docs = await requireDocs(ctx).list('devices', { filter: { 'sip.username': { $exists: true } }, limit: 5000, projection: { _id: 1, sip: 1, enabled: 1, account_id: 1 } });
    const out: Array<Record<string, unknown>> = [];
    // A few ARI requests per device: bounded concurrency keeps Asterisk responsive.
    for (let i = 0; i < docs.length; i += 8) {
      const batch = await Promise.all(docs.slice(i, i + 8).map(async (d) => ({ device_id: d._id, ...(await stateOf(devices, d as DeviceLike)) })));
      out.push(...batch);
    }
    send(ctx, 200, out);
  });

  router.get('/accounts/:account_id/devices/:id/status', s.auth, s.access, async (ctx) => {
    const devices = provisioner();
    const doc = await loadDocument(ctx, 'devices', { fresh: true });
    send(ctx, 200, { device_id: doc._id, ...(await stateOf(devices, doc as DeviceLike)) });
  });
}
