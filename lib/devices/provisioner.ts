// Keeps Asterisk's PJSIP objects in step with the device documents: a device is pushed when it is
// created or changed, removed when deleted, and every device is pushed again when ariflow starts
// and whenever ARI reconnects (memory-backed objects vanish when Asterisk restarts).
// The API talks to the DeviceProvisioner interface only; the ARI side is a PjsipConfigPort.
import { createHash } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Logger } from '../log.ts';
import { mwiMailbox } from '../voicemail/box.ts';
import { pjsipIdOf, pjsipObjectsFor, type DeviceLike, type PjsipType } from './pjsip.ts';

export interface RegistrationState {
  /** The device has PJSIP objects in Asterisk (false: no SIP credentials, disabled, or not pushed). */
  provisioned: boolean;
  registered: boolean;
  /** Asterisk's endpoint state: online, offline, unknown. */
  endpoint_state?: string;
  /** Registered contact URI. */
  contact?: string;
  user_agent?: string;
  /** Where the REGISTER came from (`ip:port`). */
  source?: string;
  /** When the registration expires (ISO 8601). */
  expires?: string;
}

export interface DeviceProvisioner {
  /** Creates or updates the device's objects in Asterisk (removes them when it must not register). */
  push(device: DeviceLike): Promise<void>;
  remove(device: DeviceLike): Promise<void>;
  state(device: DeviceLike): Promise<RegistrationState>;
  /** Pushes every device of every account (start, ARI reconnect). */
  pushAll(): Promise<{ pushed: number; removed: number; failed: number }>;
}

/**
 * ARI's dynamic configuration of res_pjsip; lib/asterisk/pjsip.ts's PjsipConfig implements it.
 */
export interface PjsipConfigPort {
  pushPjsipObject(type: PjsipType, id: string, fields: Record<string, string>): Promise<unknown>;
  /** Deletes an object; resolves (false or undefined) when it did not exist. */
  deletePjsipObject(type: PjsipType, id: string): Promise<unknown>;
  /** ARI's endpoint state (online/offline/unknown), undefined when the endpoint does not exist. */
  getEndpointState(id: string): Promise<{ state: string } | undefined>;
  /**
   * An object's fields — also `contact` objects, by their `<aor>;@<md5(uri)>` id — or undefined when
   * absent. Optional: without it the state has no contact URI or user agent.
   */
  getPjsipObject?(type: PjsipType | 'contact', id: string): Promise<Record<string, string> | undefined>;
}

export function createAriDeviceProvisioner(opts: {
  pjsip: PjsipConfigPort;
  db: Db;
  logger: Logger;
  concurrency?: number;
  /** The Stasis app the devices' own calls go to (set on each endpoint as ARIFLOW_APP). */
  app?: string;
}): DeviceProvisioner {
  const { pjsip, db, logger } = opts;

  async function remove(device: DeviceLike): Promise<void> {
    const id = pjsipIdOf(device);
    if (!id) return;
    for (const type of ['endpoint', 'aor', 'auth'] as const) await pjsip.deletePjsipObject(type, id);
  }

  /** The MWI mailboxes of the device's owner: one per voicemail box the owner has. */
  async function mailboxesOf(device: DeviceLike): Promise<string[]> {
    if (typeof device.owner_id !== 'string' || typeof device.account_id !== 'string') return [];
    const boxes = await db
      .collection('vmboxes')
      .find({ account_id: device.account_id, owner_id: device.owner_id, pvt_deleted: { $ne: true } }, { projection: { _id: 1 } })
      .limit(20)
      .toArray();
    return boxes.map((b) => mwiMailbox(device.account_id as string, String(b._id)));
  }

  /**
   * Asterisk 22 cannot update an endpoint that carries channel variables (`set_var`, here ARIFLOW_APP):
   * copying it for the update fails with "Allocation failed". Such an endpoint is deleted and created
   * again; its registration lives on the aor and calls in progress keep their reference, so only an
   * INVITE arriving in that millisecond would be refused.
   */
  async function endpointUpdate(id: string, endpoint: Record<string, string>): Promise<Record<string, string>> {
    const existing = await pjsip.getPjsipObject?.('endpoint', id);
    if (existing?.ARIFLOW_APP !== undefined) await pjsip.deletePjsipObject('endpoint', id);
    return endpoint;
  }

  /** Whether Asterisk has object `type`/`id` with every one of `fields` as given. */
  async function holds(type: 'auth' | 'aor', id: string, fields: Record<string, string>): Promise<boolean> {
    const existing = await pjsip.getPjsipObject?.(type, id);
    // Asterisk answers booleans as true/false whatever they were set with (yes/no).
    const norm = (v: string | undefined) => (v === 'yes' ? 'true' : v === 'no' ? 'false' : v);
    return existing !== undefined && Object.entries(fields).every(([k, v]) => norm(existing[k]) === norm(v));
  }

  async function push(device: DeviceLike): Promise<'pushed' | 'removed'> {
    const objects = pjsipObjectsFor(device, { mailboxes: await mailboxesOf(device), app: opts.app });
    if (!objects) {
      await remove(device);
      return 'removed';
    }
    // Referenced objects first: the endpoint names its auth and aor. An aor or auth Asterisk already has as
    // wanted is left alone: replacing the aor makes its registered contacts vanish from it for a moment.
    if (!(await holds('auth', objects.id, objects.auth))) await pjsip.pushPjsipObject('auth', objects.id, objects.auth);
    if (!(await holds('aor', objects.id, objects.aor))) await pjsip.pushPjsipObject('aor', objects.id, objects.aor);
    await pjsip.pushPjsipObject('endpoint', objects.id, await endpointUpdate(objects.id, objects.endpoint));
    return 'pushed';
  }

  return {
    async push(device) {
      await push(device);
    },
    remove,
    async state(device) {
      const id = pjsipIdOf(device);
      if (!id) return { provisioned: false, registered: false };
      const endpoint = await pjsip.getEndpointState(id);
      if (endpoint === undefined) return { provisioned: false, registered: false };
      if (!pjsip.getPjsipObject) return { provisioned: true, registered: endpoint.state === 'online', endpoint_state: endpoint.state };
      // The aor lists its registered contacts' URIs (ARI's endpoint resource does not).
      const aor = await pjsip.getPjsipObject('aor', id);
      const uris = (aor?.contact ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const state: RegistrationState = { provisioned: true, registered: uris.length > 0, endpoint_state: endpoint.state };
      if (uris.length === 0) return state;
      state.contact = uris[0];
      // res_pjsip names a registered contact `<aor>;@<md5 of its URI>`.
      const contactId = `${id};@${createHash('md5').update(uris[0]).digest('hex')}`;
      const contact = await pjsip.getPjsipObject('contact', contactId);
      if (contact) {
        if (contact.user_agent) state.user_agent = contact.user_agent;
        if (contact.via_addr) state.source = contact.via_port ? `${contact.via_addr}:${contact.via_port}` : contact.via_addr;
        const exp = Number(contact.expiration_time);
        if (Number.isFinite(exp) && exp > 0) state.expires = new Date(exp * 1000).toISOString();
      }
      return state;
    },
    async pushAll() {
      const counts = { pushed: 0, removed: 0, failed: 0 };
      const cursor = db.collection<DeviceLike>('devices').find({ 'sip.username': { $exists: true } });
      const concurrency = opts.concurrency ?? 8;
      const inFlight = new Set<Promise<void>>();
      for await (const device of cursor) {
        const p: Promise<void> = push(device)
          .then((r) => void (counts[r] += 1))
          .catch((err: unknown) => {
            counts.failed += 1;
            logger.warn({ device_id: device._id, account_id: device.account_id, err: (err as Error).message }, 'pushing a device to Asterisk failed');
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      logger.info(counts, 'devices pushed to Asterisk');
      return counts;
    },
  };
}
