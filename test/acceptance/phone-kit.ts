// Acceptance set-up with a real SIP phone: one ariflow (EngineHarness), an API token, a device created over
// the API and a baresip phone registered as it, whose own calls (context from-devices) reach this ariflow.
// The test driver is subscribed to ariflow's channel of each call the phone places (watchPhoneCall), so
// the prompts ariflow plays to the phone can be awaited like for the driver's own callers.
import type { DriverEvent } from '../helpers/ari-driver.ts';
import { apiClient, type ApiClient } from '../helpers/api-client.ts';
import { EngineHarness } from '../helpers/engine-harness.ts';
import { createSipDevice, DevicePhone, sipCredentials } from '../helpers/phones.ts';
import { stackToolAvailable, type SipPhone } from '../helpers/sip-phone.ts';
import type { CallRecord } from '../../lib/engine/call-records.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when this machine can run baresip phones (root and the local stack's chroot). */
export const phonesAvailable = (): boolean => stackToolAvailable('baresip');

export class PhoneKit {
  private constructor(
    readonly h: EngineHarness,
    readonly client: ApiClient,
    private readonly line: DevicePhone,
  ) {}

  static async start(): Promise<PhoneKit> {
    const h = await EngineHarness.start();
    try {
      const client = await apiClient(h);
      const sip = sipCredentials('acc');
      const deviceId = await createSipDevice(client, 'desk phone', sip);
      // The phone's calls reach this harness's app because the provisioner sets ARIFLOW_APP on the endpoint.
      const endpoint = await h.app.ari.pjsip.getPjsipObject('endpoint', sip.username);
      // Asterisk lists each set_var as an attribute named after the variable.
      if ((endpoint as Record<string, string> | undefined)?.ARIFLOW_APP !== h.app.config.ariApp) throw new Error('the provisioned endpoint does not name this app');
      return new PhoneKit(h, client, await DevicePhone.start(deviceId, sip, { answermode: 'auto' }));
    } catch (err) {
      await h.stop();
      throw err;
    }
  }

  get phone(): SipPhone {
    return this.line.phone;
  }

  get deviceId(): string {
    return this.line.id;
  }

  /** baresip 1.1 may crash after a call: a lost phone is started and registered again. */
  async restartPhoneIfGone(): Promise<void> {
    await this.line.restartIfGone();
  }

  /** An API request under the account: the response's `data`; throws on a status of 300 or more. */
  async api(method: string, p: string, data?: unknown): Promise<Record<string, unknown>> {
    return this.client.ok(method, p, data);
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
    await this.line.stop();
    await this.h.stop();
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
