// Sends one call notification e-mail and logs what became of it; never throws (a notification must not
// break a call or its end-of-call handling).
import type { Logger } from '../log.ts';
import { MailConfigError, mailConfigFromEnv, sendMail, type OutgoingMail } from './mailer.ts';

export type MailOutcome = 'sent' | 'not_configured' | 'no_recipients' | 'failed';

export async function sendNotificationMail(log: Logger, what: string, mail: OutgoingMail, env: NodeJS.ProcessEnv = process.env): Promise<MailOutcome> {
  if (mail.to.length === 0 && !mail.cc?.length && !mail.bcc?.length) {
    log.warn({ notification: what }, 'notification not sent: no recipient has an e-mail address');
    return 'no_recipients';
  }
  let config;
  try {
    config = mailConfigFromEnv(env);
  } catch (err) {
    log.error({ notification: what, err: (err as MailConfigError).message }, 'notification not sent: bad SMTP configuration');
    return 'not_configured';
  }
  if (!config) {
    log.warn({ notification: what }, 'notification not sent: no SMTP server configured (ARIFLOW_SMTP_URL)');
    return 'not_configured';
  }
  try {
    const sent = await sendMail(config, mail);
    log.info({ notification: what, to: mail.to, message_id: sent.messageId, rejected: sent.rejected }, 'notification e-mail sent');
    return 'sent';
  } catch (err) {
    log.error({ notification: what, to: mail.to, err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'notification e-mail failed');
    return 'failed';
  }
}
