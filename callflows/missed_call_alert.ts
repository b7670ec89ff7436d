// Sends a "missed call" e-mail if an outside call ends without being bridged and without a message.
// Kazoo: cf_missed_call_alert, module name `missed_call_alert`.
//
// As Kazoo: only calls from outside (not placed by one of the account's devices) are watched; the check
// runs when the call has ended (a termination handler), so later nodes decide: a bridge
// (`call_bridged`) or a voicemail (`message_left`) cancels the alert. The flow continues at once.
// Recipients: users (their `email`) and literal addresses. Kazoo falls back to the template's default
// recipients when none resolve; ariflow has no such template and logs instead.
import { next, type CallContext, type ModuleDefinition } from '../lib/engine/module.ts';
import { factsFromRecord, isMissedCall, missedCallMail } from '../lib/notify/messages.ts';
import { resolveRecipients } from '../lib/notify/recipients.ts';
import { sendNotificationMail } from '../lib/notify/send.ts';
import { moduleData, recipients } from './schema-parts.ts';

/** Calls whose alert is armed → the recipient entries it will resolve at hangup. */
const armedCalls = new WeakMap<CallContext, unknown[]>();

const definition: ModuleDefinition = {
  name: 'missed_call_alert',
  summary: 'Register an end-of-call missed-call e-mail to the recipients, then continue.',
  schema: moduleData({ recipients }, ['recipients']),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    // Kazoo arms the alert for carrier / other-account calls only (authorizing type undefined, resource, sys_info).
    if (typeof ctx.attributes.device_id === 'string' && ctx.attributes.device_id) {
      return next('call from a device of the account: no missed-call alert');
    }
    const wanted = Array.isArray(data.recipients) ? data.recipients : [];
    // A flow that passes here twice (a loop through `callflow`) still sends one alert, to everyone named.
    const armed = armedCalls.get(ctx);
    if (armed) {
      armed.push(...wanted);
      return next('missed-call alert already armed: recipients added');
    }
    const lists = [...wanted];
    armedCalls.set(ctx, lists);
    const log = ctx.logger.child({ module: 'missed_call_alert' });
    ctx.onEnd(async (record) => {
      const account = (await ctx.data.get<{ name?: unknown; timezone?: unknown }>('accounts', ctx.accountId)) ?? {};
      const facts = factsFromRecord(record, account);
      if (!isMissedCall(facts)) {
        log.info({ call_bridged: facts.callBridged, message_left: facts.messageLeft }, 'call was not missed: no alert');
        return;
      }
      const { emails, skipped } = await resolveRecipients(ctx.data, lists);
      if (skipped.length) log.warn({ skipped }, 'missed-call alert: recipients without a usable e-mail address');
      await sendNotificationMail(log, 'missed_call', { to: emails, ...missedCallMail(facts) });
    });
    const count = wanted.length;
    return next(`missed-call alert armed (${count} recipient entr${count === 1 ? 'y' : 'ies'})`);
  },
};

export default definition;
