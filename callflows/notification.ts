// Sends an account-defined notification template by e-mail, now or when the call ends.
// Kazoo: cf_notification (master only), module name `notification`.
//
// Kazoo publishes a customer-defined notification (teletype renders the account's template) with the
// caller/callee, Call-Bridged, Message-Left and `comments`; `send_at: channel_destroy` (default) waits for
// the hangup, `callflow_exec` sends at once. Either way the flow continues at once (`_`).
// Templates are documents of the account's `notifications` collection, id `template_id` (or Kazoo's
// `notification.<template_id>`): {subject, text, html?, from?, enabled?, to/cc/bcc: {email_addresses}}.
// `{{ macro }}` placeholders: see lib/notify/messages.ts templateMacros(). Recipients resolving to nobody
// fall back to the template's `to.email_addresses` (Kazoo: the template's default recipients).
// `notification_media: ["sms"]` cannot be delivered (no SMS gateway): logged, e-mail only.
import { next, type CallContext, type ModuleDefinition } from '../lib/engine/module.ts';
import { factsFromRecord, messageLeft, renderTemplate, templateMacros, type CallFacts } from '../lib/notify/messages.ts';
import { isEmailAddress, resolveRecipients } from '../lib/notify/recipients.ts';
import { sendNotificationMail } from '../lib/notify/send.ts';
import { docId, moduleData, recipients } from './schema-parts.ts';

interface TemplateDoc {
  _id: string;
  enabled?: unknown;
  subject?: unknown;
  text?: unknown;
  html?: unknown;
  from?: unknown;
  to?: { email_addresses?: unknown };
  cc?: { email_addresses?: unknown };
  bcc?: { email_addresses?: unknown };
}

const DEFAULT_SUBJECT = 'Call notification: {{ caller_id.name }} ({{ caller_id.number }})';
const DEFAULT_TEXT = [
  'Call from {{ caller_id.name }} ({{ caller_id.number }}) to {{ callee_id.number }}',
  'Date: {{ date_called.local }} ({{ date_called.timezone }})',
  'Connected: {{ call_bridged }}, voicemail left: {{ message_left }}',
  '{{ comments }}',
  'Call ID: {{ call_id }}',
  '',
].join('\n');

function addresses(field: { email_addresses?: unknown } | undefined): string[] {
  const list = field?.email_addresses;
  return Array.isArray(list) ? list.filter(isEmailAddress) : [];
}

async function loadTemplate(ctx: CallContext, id: string): Promise<TemplateDoc | undefined> {
  return (await ctx.data.get<TemplateDoc>('notifications', id)) ?? (await ctx.data.get<TemplateDoc>('notifications', `notification.${id}`));
}

function liveFacts(ctx: CallContext, account: { name?: unknown; timezone?: unknown }): CallFacts {
  return {
    callId: ctx.call.id,
    accountId: ctx.accountId,
    accountName: typeof account.name === 'string' ? account.name : undefined,
    timezone: typeof account.timezone === 'string' ? account.timezone : undefined,
    callerIdName: ctx.call.callerId.name,
    callerIdNumber: ctx.call.callerId.number,
    callee: ctx.call.dialed,
    // The call's own start time is not on the context: "now" is when this node ran.
    startedAt: new Date(),
    answeredAt: ctx.call.answeredAt ?? null,
    callBridged: ctx.attributes.call_bridged === true,
    messageLeft: messageLeft(ctx.attributes),
  };
}

const definition: ModuleDefinition = {
  name: 'notification',
  summary: 'Send a custom notification (e-mail/SMS) at once or at hangup, then continue.',
  schema: moduleData({
    template_id: docId,
    recipients: { ...recipients, default: [] },
    comments: { type: 'string' },
    notification_media: { type: 'array', items: { type: 'string', enum: ['email', 'sms'] } },
    send_at: { type: 'string', enum: ['channel_destroy', 'callflow_exec'], default: 'channel_destroy' },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const templateId = typeof data.template_id === 'string' ? data.template_id : '';
    if (!templateId) return next('no template_id: nothing to send');
    const media = Array.isArray(data.notification_media) ? (data.notification_media as unknown[]) : ['email'];
    const log = ctx.logger.child({ module: 'notification', template_id: templateId });
    if (media.includes('sms')) log.warn('notification_media sms is not supported (no SMS gateway): e-mail only');
    if (!media.includes('email')) return next('sms notifications are not supported: nothing sent');
    const template = await loadTemplate(ctx, templateId);
    if (!template) {
      log.warn('notification template not found');
      return next(`template ${templateId} not found: nothing sent`);
    }
    if (template.enabled === false) return next(`template ${templateId} is disabled: nothing sent`);

    const send = async (facts: CallFacts) => {
      const macros = templateMacros(facts, { comments: typeof data.comments === 'string' ? data.comments : '', template_id: templateId });
      const { emails, skipped } = await resolveRecipients(ctx.data, data.recipients);
      if (skipped.length) log.warn({ skipped }, 'notification: recipients without a usable e-mail address');
      const subject = renderTemplate(typeof template.subject === 'string' ? template.subject : DEFAULT_SUBJECT, macros).replace(/[\r\n]+/g, ' ');
      await sendNotificationMail(log, `template ${templateId}`, {
        to: emails.length ? emails : addresses(template.to),
        cc: addresses(template.cc),
        bcc: addresses(template.bcc),
        ...(isEmailAddress(template.from) ? { from: template.from } : {}),
        subject,
        text: renderTemplate(typeof template.text === 'string' ? template.text : DEFAULT_TEXT, macros),
        ...(typeof template.html === 'string' ? { html: renderTemplate(template.html, macros, { html: true }) } : {}),
      });
    };
    const account = () => ctx.data.get<{ name?: unknown; timezone?: unknown }>('accounts', ctx.accountId).then((a) => a ?? {});

    if (data.send_at === 'callflow_exec') {
      // Like Kazoo's cast: the caller does not wait for the SMTP exchange.
      const facts = liveFacts(ctx, await account());
      void send(facts).catch((err) => log.error({ err }, 'notification failed'));
      return next(`notification ${templateId} sent now`);
    }
    ctx.onEnd(async (record) => send(factsFromRecord(record, await account())));
    return next(`notification ${templateId} armed for hangup`);
  },
};

export default definition;
