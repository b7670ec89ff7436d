// Keeps Asterisk's PJSIP trunks in step with the carrier (resources) documents: pushed when a carrier is
// created or changed (its gateways removed from Asterisk when it is disabled or deleted), and every
// carrier pushed again when ariflow starts and when ARI reconnects (memory objects vanish with Asterisk).
import type { Db } from 'mongodb';
import type { PjsipConfigPort } from '../devices/provisioner.ts';
import type { Logger } from '../log.ts';
import { MAX_GATEWAYS, SIP_OUT_ENDPOINT, sipOutEndpoint, trunkId, trunksOf } from './pjsip.ts';
import type { Doc } from './select.ts';

export interface CarrierProvisioner {
  /** Pushes the carrier's trunks and removes the ones it no longer has. */
  push(doc: Doc): Promise<void>;
  /** Removes every trunk of a carrier id. */
  remove(resourceId: string): Promise<void>;
  /** Pushes the carrier `id` of `accountId` as stored now (removing its trunks when it is gone). */
  sync(accountId: string, id: string): Promise<void>;
  pushAll(): Promise<{ pushed: number; failed: number }>;
}

export function createCarrierProvisioner(opts: { pjsip: PjsipConfigPort; db: Db; logger: Logger }): CarrierProvisioner {
  const { pjsip, db, logger } = opts;

  async function removeTrunk(id: string): Promise<void> {
    for (const type of ['endpoint', 'aor', 'auth'] as const) await pjsip.deletePjsipObject(type, id);
  }

  async function remove(resourceId: string): Promise<void> {
    for (let i = 0; i < MAX_GATEWAYS; i++) {
      const id = trunkId(resourceId, i);
      if (id) await removeTrunk(id);
    }
  }

  async function push(doc: Doc): Promise<void> {
    const resourceId = String(doc._id);
    const trunks = trunksOf(doc);
    const keep = new Set(trunks.map((t) => t.id));
    for (const t of trunks) {
      // Referenced objects first: the endpoint names its aor and auth.
      if (t.auth) await pjsip.pushPjsipObject('auth', t.id, t.auth);
      else await pjsip.deletePjsipObject('auth', t.id);
      await pjsip.pushPjsipObject('aor', t.id, t.aor);
      await pjsip.pushPjsipObject('endpoint', t.id, t.endpoint);
    }
    for (let i = 0; i < MAX_GATEWAYS; i++) {
      const id = trunkId(resourceId, i);
      if (id && !keep.has(id)) await removeTrunk(id);
    }
  }

  return {
    push,
    remove,
    async sync(accountId, id) {
      const doc = await db.collection('resources').findOne({ _id: id as never, account_id: accountId });
      if (doc && doc.pvt_deleted !== true) await push(doc as Doc);
      else await remove(id);
    },
    async pushAll() {
      const counts = { pushed: 0, failed: 0 };
      await pjsip.pushPjsipObject('endpoint', SIP_OUT_ENDPOINT, sipOutEndpoint()).catch((err: Error) => {
        logger.warn({ err: err.message }, 'pushing the SIP URI endpoint to Asterisk failed');
      });
      for await (const doc of db.collection('resources').find({ pvt_deleted: { $ne: true } })) {
        try {
          await push(doc as Doc);
          counts.pushed += 1;
        } catch (err) {
          counts.failed += 1;
          // Never the document: it holds gateway passwords.
          logger.warn({ resource_id: doc._id, err: (err as Error).message }, 'pushing a carrier to Asterisk failed');
        }
      }
      if (counts.pushed || counts.failed) logger.info(counts, 'carriers pushed to Asterisk');
      return counts;
    },
  };
}
