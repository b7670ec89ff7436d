// Test helper: SIP devices created over the API (the provisioner pushes them into Asterisk as PJSIP
// endpoints) with real baresip phones registered as them.
//
//   if (!stackToolAvailable('baresip')) this.skip();            // (sip-phone.ts) root and the local stack's chroot
//   const client = await apiClient(h);
//   const desk = await DevicePhone.create(client, 'desk', sipCredentials('fc'), { answermode: 'auto' });
//   desk.id / desk.sip / desk.phone                              // the device id, its credentials, its SipPhone
//   await desk.restartIfGone();                                  // in beforeEach: baresip 1.1 may crash after a call
//
//   const bank = await PhoneBank.create(client, 3, { prefix: 'rg', name: (i) => `phone ${i}` });
//   bank.phones[i] / bank.ids[i] / bank.usernames[i]             // `phones` is updated in place by restartLost()
//   await bank.restartLost();                                    // in beforeEach
//   await bank.stop();
import { randomBytes } from 'node:crypto';
import type { ApiClient } from './api-client.ts';
import { SipPhone } from './sip-phone.ts';

export interface SipCredentials {
  username: string;
  password: string;
}

export interface PhoneOptions {
  answermode?: 'auto' | 'manual';
  /** Answer INVITEs that ask for it by themselves (paging, intercom). */
  sipAutoanswer?: boolean;
}

/** Fresh SIP credentials: `<prefix><6 hex>` (or exactly `username` when given) and a random password. */
export function sipCredentials(prefix: string, username = `${prefix}${randomBytes(3).toString('hex')}`): SipCredentials {
  return { username, password: randomBytes(9).toString('base64url') };
}

/** Creates a sip_device over the API; returns its id. */
export async function createSipDevice(client: ApiClient, name: string, sip: SipCredentials, extra: Record<string, unknown> = {}): Promise<string> {
  return String((await client.ok('PUT', '/devices', { name, device_type: 'sip_device', sip, ...extra })).id);
}

/** True while the phone's baresip answers on its control port. */
export function phoneAlive(phone: SipPhone): Promise<boolean> {
  return phone.command('reginfo', undefined, 1000).then(
    () => true,
    () => false,
  );
}

/** Starts a baresip phone as `sip` and waits until it is registered. */
export async function startRegisteredPhone(sip: SipCredentials, options: PhoneOptions = {}): Promise<SipPhone> {
  const phone = await SipPhone.start({ ...sip, answermode: options.answermode ?? 'manual', ...(options.sipAutoanswer ? { sipAutoanswer: true } : {}) });
  try {
    await phone.waitRegistered(5000);
  } catch (err) {
    await phone.stop().catch(() => {});
    throw err;
  }
  return phone;
}

/** A device and the baresip phone registered as it. */
export class DevicePhone {
  private constructor(
    readonly id: string,
    readonly sip: SipCredentials,
    readonly options: PhoneOptions,
    public phone: SipPhone,
  ) {}

  /** Creates the device over the API and starts its phone (registered). */
  static async create(client: ApiClient, name: string, sip: SipCredentials, options: PhoneOptions = {}): Promise<DevicePhone> {
    return DevicePhone.start(await createSipDevice(client, name, sip), sip, options);
  }

  /** Starts the phone of an existing device `id` (registered). */
  static async start(id: string, sip: SipCredentials, options: PhoneOptions = {}): Promise<DevicePhone> {
    return new DevicePhone(id, sip, options, await startRegisteredPhone(sip, options));
  }

  get username(): string {
    return this.sip.username;
  }

  /**
   * baresip 1.1 may crash (SIGSEGV) right after a call to it is rejected or cancelled: a lost phone is
   * started and registered again. Returns true when it was restarted.
   */
  async restartIfGone(): Promise<boolean> {
    if (await phoneAlive(this.phone)) return false;
    await this.phone.stop().catch(() => {});
    this.phone = await startRegisteredPhone(this.sip, this.options);
    return true;
  }

  stop(): Promise<void> {
    return this.phone.stop().catch(() => {});
  }
}

/** `count` devices `<prefix><tag><i>` with their phones; `phones`, `ids` and `usernames` are by index. */
export class PhoneBank {
  /** The phones by index, updated in place when restartLost() replaces one. */
  readonly phones: SipPhone[] = [];

  private constructor(readonly lines: DevicePhone[]) {
    this.phones.push(...lines.map((l) => l.phone));
  }

  static async create(client: ApiClient, count: number, opts: { prefix: string; name: (i: number) => string; options?: PhoneOptions }): Promise<PhoneBank> {
    const tag = randomBytes(3).toString('hex');
    const lines: DevicePhone[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const sip = sipCredentials(opts.prefix, `${opts.prefix}${tag}${i}`);
        lines.push(await DevicePhone.create(client, opts.name(i), sip, opts.options));
      }
    } catch (err) {
      for (const l of lines) await l.stop();
      throw err;
    }
    return new PhoneBank(lines);
  }

  get ids(): string[] {
    return this.lines.map((l) => l.id);
  }

  get usernames(): string[] {
    return this.lines.map((l) => l.username);
  }

  /** Restarts every phone baresip lost, after `settleMs` (a crash follows a reject or cancel by a few ms). */
  async restartLost(settleMs = 200): Promise<void> {
    if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
    for (const [i, line] of this.lines.entries()) {
      if (await line.restartIfGone()) this.phones[i] = line.phone;
    }
  }

  async stop(): Promise<void> {
    for (const l of this.lines) await l.stop();
  }
}
