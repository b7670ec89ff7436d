// The e-mails of received faxes (Kazoo's teletype `inbound_fax` with the document attached, and
// `inbound_fax_error`), who gets them, and sending them through the SMTP server lib/notify uses.
import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Logger } from '../log.ts';
import type { AccountData } from '../engine/module.ts';
import { mailConfigFromEnv } from '../notify/mailer.ts';
import { callerLabel } from '../notify/messages.ts';
import { resolveRecipients, type Recipient } from '../notify/recipients.ts';

export interface FaxFacts {
  faxId?: string;
  callerIdName: string;
  callerIdNumber: string;
  /** The number dialled. */
  to: string;
  faxboxName?: string;
  pages: number;
  receivedAt: Date;
  /** Why it failed (error mail). */
  error?: string;
}

export interface FaxMail {
  subject: string;
  text: string;
}

/**
 * Kazoo's recipients of a faxbox's inbound notifications: `notifications.inbound.email.send_to` (a string or a
 * list) and the owner (a user id: their `email`). receive_fax has only the owner.
 */
export function faxRecipients(faxbox: Record<string, unknown> | undefined, ownerId: string | undefined): Recipient[] {
  const out: Recipient[] = [];
  const inbound = (faxbox?.notifications as { inbound?: { email?: { send_to?: unknown } } } | undefined)?.inbound;
  const sendTo = inbound?.email?.send_to;
  if (typeof sendTo === 'string' || Array.isArray(sendTo)) out.push({ type: 'email', id: sendTo });
  if (ownerId) out.push({ type: 'user', id: ownerId });
  return out;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

export function inboundFaxMail(f: FaxFacts): FaxMail {
  const caller = callerLabel(f.callerIdName, f.callerIdNumber);
  const lines = [
    `You received a fax from ${caller}.`,
    '',
    `From: ${caller}`,
    `To: ${f.to}`,
    ...(f.faxboxName ? [`Faxbox: ${f.faxboxName}`] : []),
    `Pages: ${f.pages}`,
    `Received: ${f.receivedAt.toISOString()}`,
    ...(f.faxId ? [`Fax ID: ${f.faxId}`] : []),
  ];
  return { subject: oneLine(`New fax from ${caller}`), text: `${lines.join('\n')}\n` };
}

export function faxErrorMail(f: FaxFacts): FaxMail {
  const caller = callerLabel(f.callerIdName, f.callerIdNumber);
  const lines = [
    `A fax from ${caller} could not be received.`,
    '',
    `From: ${caller}`,
    `To: ${f.to}`,
    ...(f.faxboxName ? [`Faxbox: ${f.faxboxName}`] : []),
    `Reason: ${f.error ?? 'unknown'}`,
    `Pages received: ${f.pages}`,
    `Date: ${f.receivedAt.toISOString()}`,
  ];
  return { subject: oneLine(`Error receiving a fax from ${caller}`), text: `${lines.join('\n')}\n` };
}

export type FaxMailOutcome = 'sent' | 'not_configured' | 'no_recipients' | 'failed';

/** Sends one fax e-mail (with the TIFF attached when given); never throws. */
export async function sendFaxMail(
  log: Logger,
  data: Pick<AccountData, 'get'>,
  recipients: Recipient[],
  mail: FaxMail,
  attachment?: { path: string; filename: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<FaxMailOutcome> {
  try {
    const { emails, skipped } = await resolveRecipients(data, recipients);
    if (skipped.length) log.warn({ skipped }, 'fax e-mail: some recipients have no usable address');
    if (emails.length === 0) return 'no_recipients';
    const config = mailConfigFromEnv(env);
    if (!config) {
      log.warn('fax e-mail not sent: no SMTP server configured (ARIFLOW_SMTP_URL)');
      return 'not_configured';
    }
    const limits: SMTPTransport.Options = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 };
    const transport = createTransport(config.url, limits);
    const info = await transport.sendMail({
      from: config.from,
      to: emails,
      subject: mail.subject,
      text: mail.text,
      ...(attachment ? { attachments: [{ filename: attachment.filename, path: attachment.path, contentType: 'image/tiff' }] } : {}),
    });
    transport.close();
    log.info({ to: emails, message_id: info.messageId }, 'fax e-mail sent');
    return 'sent';
  } catch (err) {
    log.error({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'fax e-mail failed');
    return 'failed';
  }
}
