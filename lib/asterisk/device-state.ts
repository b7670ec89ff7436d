// Device states over ARI: publishing a BLF lamp (manual_presence: `Custom:<name>`, or ARI's own `Stasis:<name>`),
// and reading which PJSIP endpoints have channels now (call waiting: a busy phone must not get a second call).
// Neither is tied to one call's channel: they work whatever state the calling channel is in.
import type { DeviceState } from '../callcontrol/port.ts';
import { AriRequestError } from './ari-errors.ts';
import type { AriRest } from './rest.ts';

/** The names ARI lets an application set: `Custom:<name>`, with characters a hint and a URL path take safely. */
const CUSTOM_NAME = /^Custom:[A-Za-z0-9_.@+*#:-]{1,120}$/;
const STASIS_NAME = /^Stasis:[A-Za-z0-9_.@+*#:-]{1,120}$/;
/** PJSIP endpoint names as lib/devices/pjsip.ts creates them (the device's SIP user name). */
const ENDPOINT_NAME = /^[A-Za-z0-9._~+-]{1,64}$/;

export function isCustomDeviceName(name: string): boolean {
  return CUSTOM_NAME.test(name);
}

/**
 * `Stasis:<name>` goes through ARI's deviceStates (the only devices ARI lets an application set: it answers
 * "Uncontrolled device specified" for others); `Custom:<name>` (what dialplan hints usually watch) through
 * func_devstate's DEVICE_STATE() on a channel of the call.
 */
export async function setDeviceState(rest: AriRest, name: string, state: DeviceState, channelId?: string): Promise<void> {
  if (name.startsWith('Stasis:') && STASIS_NAME.test(name)) {
    await rest.call('deviceStates.update', (c) => c.deviceStates.update({ deviceName: name, deviceState: state }));
    return;
  }
  if (!isCustomDeviceName(name)) throw new Error(`invalid device state name ${JSON.stringify(name)}`);
  if (!channelId) throw new Error(`setting ${name} needs a channel`);
  await rest.call('channels.setChannelVar (device state)', (c) => c.channels.setChannelVar({ channelId, variable: `DEVICE_STATE(${name})`, value: state }), channelId);
}

/** The endpoints among `names` that have at least one channel now; unknown endpoints are idle. */
export async function endpointsInUse(rest: AriRest, names: readonly string[]): Promise<string[]> {
  const unique = [...new Set(names)].filter((n) => ENDPOINT_NAME.test(n));
  const busy = await Promise.all(
    unique.map(async (resource) => {
      try {
        const ep = (await rest.call('endpoints.get', (c) => c.endpoints.get({ tech: 'PJSIP', resource }))) as { channel_ids?: string[] };
        return (ep.channel_ids?.length ?? 0) > 0;
      } catch (err) {
        if (err instanceof AriRequestError && err.notFound) return false;
        throw err;
      }
    }),
  );
  return unique.filter((_, i) => busy[i]);
}
