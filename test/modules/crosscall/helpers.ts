// Helpers for the cross-call tests: calls placed "by a device" without a SIP phone (the `sim-device`
// dialplan context hands ariflow the PJSIP endpoint named in ARIFLOW_DEVICE), devices that both place calls
// (sip.username) and ring a simulated phone (Local/<behaviour>@sim), and bridge lookups.
import { randomBytes } from 'node:crypto';
import type { EngineHarness } from '../../helpers/engine-harness.ts';

export interface SimPhone {
  id: string;
  username: string;
}

/** A device with a SIP user name (its calls are "from" it) that rings `Local/<behaviour>@sim`. */
export async function phone(h: EngineHarness, behaviour: string, extra: Record<string, unknown> = {}): Promise<SimPhone> {
  const username = `xc${randomBytes(5).toString('hex')}`;
  const id = await h.doc('devices', {
    name: `phone ${behaviour}`,
    device_type: 'sip_device',
    sip: { username, invite_format: 'route', route: `Local/${behaviour}@sim` },
    ...extra,
  });
  return { id, username };
}

/** A call to `number` placed by the device `from`. */
export function callFrom(h: EngineHarness, from: SimPhone, number: string, extra: Record<string, string> = {}) {
  return h.driver.call(number, {
    targetApp: h.app.config.ariApp,
    context: 'sim-device',
    callerId: `"${from.username}" <${from.username}>`,
    variables: { __ARIFLOW_DEVICE: from.username, ...extra },
  });
}

interface AriBridge {
  id: string;
  channels: string[];
}

/** The bridges holding channel `id`. */
export async function bridgesOf(h: EngineHarness, id: string): Promise<AriBridge[]> {
  const all = await h.driver.rest<AriBridge[]>('GET', '/bridges');
  return all.filter((b) => b.channels.includes(id));
}

/** Are the two channels in one bridge? */
export async function together(h: EngineHarness, a: string, b: string): Promise<boolean> {
  return (await bridgesOf(h, a)).some((br) => br.channels.includes(b));
}
