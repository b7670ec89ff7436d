// Message waiting indication (MWI) for ariflow's voicemail boxes.
// ARI's /mailboxes needs res_mwi_external, which Debian's Asterisk package does not build. Instead a Local
// channel into the dialplan context `ariflow-mwi` (asterisk/etc/extensions.conf) runs MinivmMWI (app_minivm),
// which publishes the mailbox's state inside Asterisk; res_pjsip_mwi then NOTIFYs the phones whose PJSIP
// endpoint lists that mailbox in `mailboxes` (lib/devices/pjsip.ts), and res_mwi_devstate mirrors it as the
// device state `MWI:<mailbox>` (what the tests read). The Local channel never answers: its `;1` half never
// enters the app, and the originate ends by itself once the dialplan hangs up.
import type { MessageCounts } from '../callcontrol/port.ts';
import type { AriRest } from './rest.ts';

export const MWI_CONTEXT = 'ariflow-mwi';

/** `box@context` with only characters a dialplan argument and a PJSIP `mailboxes` list take safely. */
export function isMwiMailbox(mailbox: string): boolean {
  return /^[A-Za-z0-9_.-]{1,80}@[A-Za-z0-9_.-]{1,80}$/.test(mailbox);
}

export async function publishMwi(rest: AriRest, app: string, mailbox: string, counts: MessageCounts): Promise<void> {
  if (!isMwiMailbox(mailbox)) throw new Error(`invalid MWI mailbox ${JSON.stringify(mailbox)}`);
  const n = (v: number) => String(Math.max(0, Math.floor(Number(v) || 0)));
  await rest.call('channels.originate (mwi)', (c) =>
    c.channels.originate({
      endpoint: `Local/s@${MWI_CONTEXT}/n`,
      app,
      appArgs: 'mwi',
      timeout: 5,
      variables: { MWI_MAILBOX: mailbox, MWI_NEW: n(counts.new), MWI_OLD: n(counts.old) } as never,
    }),
  );
}
