// Loading what leg building needs, through the call's account-scoped data: devices, their owners and the
// account (batched per ring), a user's devices, group documents, and the calling side of the call.
import type { AccountData, CallContext } from '../engine/module.ts';
import { callerIdState } from '../callerid/state.ts';
import { headersOf, type CallerSide } from './build.ts';
import { legCallerId } from './callerid.ts';
import { isUsable, obj, ownersOf, text, type Doc } from './documents.ts';
import { mergeEndpoint, type Endpoint } from './merge.ts';

/** ctx.attributes key set_alert_info writes (callflows/set_alert_info.ts). */
const ALERT_INFO_KEY = 'alert_info';
/** Kazoo's prompt for require_keypress forwards ("press 1 to accept"), mapped in lib/media/prompts.ts. */
const CONFIRM_PROMPT = 'ivr-group_confirm';
/** A user id safe to put in a dotted query path. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

function byId(docs: Doc[]): Map<string, Doc> {
  return new Map(docs.map((d) => [String(d._id), d]));
}

/** The account's ringable documents as one call sees them; the account document is read once. */
export class Directory {
  private accountDoc?: Promise<Record<string, unknown> | undefined>;

  constructor(
    private readonly data: AccountData,
    private readonly accountId: string,
  ) {}

  account(): Promise<Record<string, unknown> | undefined> {
    this.accountDoc ??= this.data.get('accounts', this.accountId).catch(() => undefined);
    return this.accountDoc;
  }

  /** Usable devices by id (deleted or disabled ones are kept: the build reports them as disabled). */
  async devices(ids: string[]): Promise<Map<string, Doc>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const docs = await this.data.find<Doc>('devices', { _id: { $in: unique } }, unique.length);
    return byId(docs.filter((d) => !d.pvt_deleted));
  }

  async users(ids: string[]): Promise<Map<string, Doc>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    return byId(await this.data.find<Doc>('users', { _id: { $in: unique } }, unique.length));
  }

  async user(id: string): Promise<Doc | undefined> {
    const doc = await this.data.get<Doc>('users', id);
    return isUsable(doc) ? doc : undefined;
  }

  async group(id: string): Promise<Doc | undefined> {
    const doc = await this.data.get<Doc>('groups', id);
    return doc && !doc.pvt_deleted ? doc : undefined;
  }

  /** The devices that belong to a user (owned, or hot-desked to them), in id order. */
  async ownedDevices(userId: string): Promise<Doc[]> {
    const filter = SAFE_ID.test(userId)
      ? { $or: [{ owner_id: userId }, { [`hotdesk.users.${userId}`]: { $exists: true } }] }
      : { owner_id: userId };
    const docs = await this.data.find<Doc>('devices', filter);
    return docs
      .filter((d) => !d.pvt_deleted && ownersOf(d).includes(userId))
      .sort((a, b) => (String(a._id) < String(b._id) ? -1 : String(a._id) > String(b._id) ? 1 : 0));
  }

  /** Devices merged with their owner and the account, by id. */
  async endpoints(devices: Doc[]): Promise<Map<string, Endpoint>> {
    const account = await this.account();
    // A device shared by several hot-desked users takes no user's attributes (Kazoo merges them into none).
    const ownerOf = (d: Doc) => {
      const owners = ownersOf(d);
      return owners.length === 1 ? owners[0] : undefined;
    };
    const users = await this.users(devices.map(ownerOf).filter((id): id is string => !!id));
    const out = new Map<string, Endpoint>();
    for (const d of devices) {
      const ownerId = ownerOf(d);
      const owner = ownerId ? users.get(ownerId) : undefined;
      out.set(String(d._id), mergeEndpoint(d, owner && !owner.pvt_deleted ? owner : undefined, account));
    }
    return out;
  }
}

const callingEndpoints = new WeakMap<CallContext, Promise<{ endpoint?: Endpoint; presenceId?: string }>>();

async function loadCalling(ctx: CallContext, dir: Directory): Promise<{ endpoint?: Endpoint; presenceId?: string }> {
  const deviceId = text(ctx.attributes.device_id);
  if (!deviceId) return {};
  const device = (await dir.devices([deviceId])).get(deviceId);
  if (!device) return {};
  const endpoint = (await dir.endpoints([device])).get(deviceId);
  const ownerId = endpoint?.owners.length === 1 ? endpoint.owners[0] : undefined;
  const owner = ownerId ? (await dir.users([ownerId])).get(ownerId) : undefined;
  const presenceId = text(owner?.presence_id) ?? text(device.presence_id);
  return { endpoint, ...(presenceId ? { presenceId } : {}) };
}

/**
 * The calling side of the call: its device and owners (to keep a caller from ringing themselves), the
 * caller ID legs present, set_alert_info's Alert-Info. The calling device is read once per call; the
 * caller ID is worked out each time (set_cid and friends may have changed it meanwhile).
 */
export async function callerSide(ctx: CallContext, dir: Directory): Promise<CallerSide> {
  let calling = callingEndpoints.get(ctx);
  if (!calling) {
    calling = loadCalling(ctx, dir);
    callingEndpoints.set(ctx, calling);
  }
  const { endpoint, presenceId } = await calling;
  const deviceId = text(ctx.attributes.device_id);
  const onnet = deviceId !== undefined;
  const state = callerIdState(ctx);
  const who = { onnet, ...(endpoint ? { callerIds: endpoint.callerId } : {}), ...(presenceId ? { presenceId } : {}) };
  const side: CallerSide = {
    ownerIds: endpoint?.owners ?? [],
    onnet,
    callerId: legCallerId(state, onnet ? 'internal' : 'external', who),
    forwardCallerId: legCallerId(state, 'external', who),
    confirmMedia: await ctx.media.resolve(CONFIRM_PROMPT, ctx.language).catch(() => []),
  };
  if (deviceId) side.deviceId = deviceId;
  side.inUse = (endpoints) => ctx.call.endpointsInUse(endpoints);
  const alertInfo = text(ctx.attributes[ALERT_INFO_KEY]);
  if (alertInfo) side.alertInfo = alertInfo;
  // intercom sets it for the legs of the flow it branches to.
  if (ctx.attributes.auto_answer) side.autoAnswer = true;
  const out = headersOf(obj(endpoint?.device.sip)?.custom_sip_headers, 'out');
  if (Object.keys(out).length) side.headers = out;
  return side;
}
