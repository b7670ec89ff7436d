// Outgoing e-mail through SMTP with nodemailer. Configured by the environment, read when a mail is sent:
//   ARIFLOW_SMTP_URL   smtp://[user:pass@]host[:port] or smtps://… (nodemailer's URL options allowed as query)
//   ARIFLOW_SMTP_FROM  the From address (default ariflow@<host name>)
// Without ARIFLOW_SMTP_URL nothing is sent: callers log and carry on.
import { hostname } from 'node:os';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

export interface MailConfig {
  url: string;
  from: string;
}

export interface OutgoingMail {
  to: string[];
  cc?: string[];
  bcc?: string[];
  /** Overrides the configured From (e.g. a notification template's own). */
  from?: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export class MailConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailConfigError';
  }
}

/** The SMTP settings from the environment, or undefined when mail is not configured. */
export function mailConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MailConfig | undefined {
  const url = env.ARIFLOW_SMTP_URL?.trim();
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MailConfigError('ARIFLOW_SMTP_URL is not a valid URL');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new MailConfigError('ARIFLOW_SMTP_URL must use smtp: or smtps:');
  return { url, from: env.ARIFLOW_SMTP_FROM?.trim() || `ariflow@${hostname()}` };
}

// One transport per URL (nodemailer opens a connection per message; nothing stays open in between).
const transports = new Map<string, Transporter<SMTPTransport.SentMessageInfo>>();

function transportFor(url: string): Transporter<SMTPTransport.SentMessageInfo> {
  let t = transports.get(url);
  if (!t) {
    // Bounded waits: an SMTP server that accepts the connection and then says nothing must not hold
    // an end-of-call handler forever.
    const limits: SMTPTransport.Options = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
    t = createTransport(url, limits);
    transports.set(url, t);
  }
  return t;
}

export async function sendMail(config: MailConfig, mail: OutgoingMail): Promise<SentMail> {
  const info = await transportFor(config.url).sendMail({
    from: mail.from ?? config.from,
    to: mail.to,
    ...(mail.cc?.length ? { cc: mail.cc } : {}),
    ...(mail.bcc?.length ? { bcc: mail.bcc } : {}),
    subject: mail.subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
  });
  const addr = (list: unknown): string[] =>
    Array.isArray(list) ? list.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address ?? a))) : [];
  return { messageId: String(info.messageId ?? ''), accepted: addr(info.accepted), rejected: addr(info.rejected) };
}
