// Who a notification goes to: Kazoo's `recipients` list ([{type: "user"|"email", id: str|[str]}])
// turned into e-mail addresses (a user's `email`), as cf_missed_call_alert / cf_notification do.
import type { AccountData } from '../engine/module.ts';

export interface Recipient {
  type?: unknown;
  id?: unknown;
}

export interface ResolvedRecipients {
  emails: string[];
  /** User ids that do not exist or have no usable e-mail, and addresses refused as malformed. */
  skipped: string[];
}

// One address, no display name, nothing that could start another header line.
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && EMAIL.test(value);
}

function ids(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

/** Addresses of the recipients, de-duplicated (case-insensitively), in order. Unknown types are ignored, like Kazoo. */
export async function resolveRecipients(data: Pick<AccountData, 'get'>, recipients: unknown): Promise<ResolvedRecipients> {
  const emails: string[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const add = (email: string) => {
    const key = email.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      emails.push(email);
    }
  };
  for (const r of Array.isArray(recipients) ? (recipients as Recipient[]) : []) {
    if (!r || typeof r !== 'object') continue;
    if (r.type === 'email') {
      for (const e of ids(r.id)) (isEmailAddress(e.trim()) ? add(e.trim()) : skipped.push(e));
    } else if (r.type === 'user') {
      for (const id of ids(r.id)) {
        const user = await data.get<{ email?: unknown }>('users', id);
        const email = typeof user?.email === 'string' ? user.email.trim() : undefined;
        if (email && isEmailAddress(email)) add(email);
        else skipped.push(id);
      }
    }
  }
  return { emails, skipped };
}
