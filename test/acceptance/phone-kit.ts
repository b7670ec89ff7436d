// Acceptance set-up with a real SIP phone: one ariflow (EngineHarness), an API token, a device created over
// the API and a baresip phone registered as it, whose own calls (context from-devices) reach this ariflow.
// The test driver is subscribed to ariflow's channel of each call the phone places (watchPhoneCall), so
// the prompts ariflow plays to the phone can be awaited like for the driver's own callers.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DriverEvent } from '../helpers/ari-driver.ts';
import { EngineHarness } from '../helpers/engine-harness.ts';
import { SipPhone, stackRoot } from '../helpers/sip-phone.ts';
import type { CallRecord } from '../../lib/engine/call-records.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when this machine can run baresip phones (root and the local stack's chroot). */
export function phonesAvailable(): boolean {
  try {
    return process.getuid?.() === 0 && fs.existsSync(path.join(stackRoot(), 'usr/bin/baresip'));
  } catch {
    return false;
  }
}

export class PhoneKit {
  phone!: SipPhone;
  deviceId = '';
  token = '';
  private creds!: { username: string; password: string };

  constructor(readonly h: EngineHarness) {}

  static async start(): Promise<PhoneKit> {
    const kit = new PhoneKit(await EngineHarness.start());
    const auth = await fetch(`${kit.h.baseUrl}/v2/api_auth`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { api_key: kit.h.app.config.masterApiKey } }),
    });
    kit.token = ((await auth.json()) as { auth_token: string }).auth_token;
    kit.creds = { username: `acc${randomBytes(3).toString('hex')}`, password: randomBytes(9).toString('base64url') };
    kit.deviceId = String((await kit.api('PUT', '/devices', { name: 'desk phone', device_type: 'sip_device', sip: kit.creds })).id);
    // The phone's calls reach this harness's app because the provisioner sets ARIFLOW_APP on the endpoint.
    const endpoint = await kit.h.app.ari.pjsip.getPjsipObject('endpoint', kit.creds.username);
    // Asterisk lists each set_var as an attribute named after the variable.
    if ((endpoint as Record<string, string> | undefined)?.ARIFLOW_APP !== kit.h.app.config.ariApp) throw new Error('the provisioned endpoint does not name this app');
    await kit.restartPhoneIfGone(true);
    return kit;
  }

  /** baresip 1.1 may crash after a call: a lost phone is started and registered again. */
  async restartPhoneIfGone(force = false): Promise<void> {
    if (!force) {
      const alive = await this.phone.command('reginfo', undefined, 1000).then(
        () => true,
        () => false,
      );
      if (alive) return;
      await this.phone.stop().catch(() => {});
    }
    this.phone = await SipPhone.start({ ...this.creds, answermode: 'auto' });
    await this.phone.waitRegistered(5000);
  }

  async api(method: string, p: string, data?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.h.baseUrl}/v2/accounts/${this.h.accountId}${p}`, {
      method,
      headers: { 'X-Auth-Token': this.token, 'Content-Type': 'application/json' },
      body: data === undefined ? undefined : JSON.stringify({ data }),
    });
    const body = (await res.json()) as { data: Record<string, unknown> };
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(body)}`);
    return body.data;
  }

  /**
   * The phone dials `number`; resolves once ariflow's channel of that call is known (its `call entered` log
   * line) and the driver follows its events. `from` = phone.events.length before dialling.
   */
  async dial(number: string): Promise<PhoneCall> {
    const from = this.phone.events.length;
    const seen = new Set(this.h.logs.filter((l) => l.msg === 'call entered').map((l) => String(l.call)));
    await this.phone.dial(number);
    let id = '';
    for (const deadline = Date.now() + 5000; !id; await sleep(20)) {
      const line = this.h.logs.find((l) => l.msg === 'call entered' && l.kind === 'device' && l.exten === number && !seen.has(String(l.call)));
      if (line) id = String(line.call);
      else if (Date.now() > deadline) throw new Error(`the phone's call to ${number} did not reach ariflow\n${this.phone.log}`);
    }
    (this.h.driver as unknown as { watched: Set<string> }).watched.add(id);
    await this.h.driver.rest('POST', `/applications/${this.h.driver.app}/subscription`, { eventSource: `channel:${id}` });
    return new PhoneCall(this, id, from);
  }

  async stop(): Promise<void> {
    await this.phone?.stop().catch(() => {});
    await this.h?.stop();
  }
}

/** One call placed by the phone: ariflow's channel `id`, the phone's events from `from` on. */
export class PhoneCall {
  constructor(
    private readonly kit: PhoneKit,
    readonly id: string,
    readonly from: number,
  ) {}

  /** A playback on ariflow's channel (started / finished), of `media` if given, after driver time `after`. */
  playback(type: 'PlaybackStarted' | 'PlaybackFinished', media?: string, timeoutMs = 8000, after = -1): Promise<DriverEvent> {
    return this.kit.h.driver.waitFor(
      (e) => e.type === type && e.playback?.target_uri === `channel:${this.id}` && (media === undefined || e.playback.media_uri === media) && e.at > after,
      timeoutMs,
      `${type} ${media ?? ''} on ${this.id.slice(0, 8)}`,
    );
  }

  played(): string[] {
    return this.kit.h.driver.events((e) => e.type === 'PlaybackStarted' && e.playback?.target_uri === `channel:${this.id}`).map((e) => e.playback!.media_uri);
  }

  established(timeoutMs = 5000) {
    return this.kit.phone.nextEvent('CALL_ESTABLISHED', this.from, timeoutMs);
  }

  closed(timeoutMs = 8000) {
    return this.kit.phone.nextEvent('CALL_CLOSED', this.from, timeoutMs);
  }

  record(timeoutMs?: number): Promise<CallRecord> {
    return this.kit.h.record(this.id, timeoutMs);
  }
}
