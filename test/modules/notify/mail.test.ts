// missed_call_alert and notification on real calls, delivering to a real SMTP server (smtp-server):
// the alert after a missed call (none when a voicemail was left), the account template rendered at
// hangup or at once, and the failure branches (no SMTP configured, unknown template, sms only).
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import type { SimCaller } from '../../helpers/ari-driver.ts';
import { SmtpSink } from './smtp-sink.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('missed_call_alert and notification on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let smtp: SmtpSink;
  const saved = { url: process.env.ARIFLOW_SMTP_URL, from: process.env.ARIFLOW_SMTP_FROM };

  before(async () => {
    smtp = await SmtpSink.start();
    process.env.ARIFLOW_SMTP_URL = smtp.url;
    process.env.ARIFLOW_SMTP_FROM = 'pbx@example.test';
    h = await EngineHarness.start();
  });
  after(async () => {
    for (const [k, v] of [['ARIFLOW_SMTP_URL', saved.url], ['ARIFLOW_SMTP_FROM', saved.from]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await h?.stop();
    await smtp?.close();
  });

  const mailFor = (callId: string, timeoutMs?: number) => smtp.waitFor((m) => m.text.includes(callId), timeoutMs);
  const mailsFor = (callId: string) => smtp.mails.filter((m) => m.text.includes(callId) || m.raw.includes(callId));
  /** A log line of ariflow's channel `callId` whose message matches. */
  async function logLine(callId: string, msg: RegExp, timeoutMs = 8000): Promise<Record<string, unknown>> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
      const line = h.logs.find((l) => (l as { call?: string }).call === callId && msg.test(String((l as { msg?: string }).msg)));
      if (line) return line as Record<string, unknown>;
    }
    throw new Error(`no log line ${msg} for ${callId}`);
  }

  describe('missed_call_alert', () => {
    it('mails the users and addresses when the caller hangs up without reaching anyone', async () => {
      const user = await h.doc('users', { first_name: 'Ann', email: 'ann@example.test' });
      const noMail = await h.doc('users', { first_name: 'Nomail' });
      const number = await h.callflow({
        module: 'missed_call_alert',
        data: { recipients: [{ type: 'user', id: [user, noMail] }, { type: 'email', id: ['desk@example.test', 'boss@example.test'] }] },
        children: { _: { module: 'play', data: { id: 'tt-monkeys' } } },
      });
      const caller = await h.call(number, { callerId: '"Alice" <5551234>' });
      await caller.waitPlayback('PlaybackStarted');
      expect(mailsFor(caller.peerId)).to.have.length(0); // nothing before the call ends
      await caller.hangup();

      const mail = await mailFor(caller.peerId);
      expect(mail.envelopeTo).to.have.members(['ann@example.test', 'desk@example.test', 'boss@example.test']);
      expect(mail.envelopeFrom).to.equal('pbx@example.test');
      expect(mail.subject).to.equal('Missed call from Alice <5551234>');
      expect(mail.text).to.contain('You missed a call from Alice <5551234>.');
      expect(mail.text).to.contain(`Called number: ${number}`);
      expect(mail.text).to.contain(`Call ID: ${caller.peerId}`);
      const rec = await h.record(caller.peerId);
      expect(rec.trace[0]).to.include({ module: 'missed_call_alert', result: '_', reason: 'missed-call alert armed (2 recipient entries)' });
      const skipped = await logLine(caller.peerId, /recipients without a usable e-mail/);
      expect(skipped.skipped).to.deep.equal([noMail]);
      await sleep(300);
      expect(mailsFor(caller.peerId)).to.have.length(1);
    });

    it('sends nothing when the caller left a voicemail', async () => {
      const box = await h.doc('vmboxes', { name: 'Desk', mailbox: String(3000 + Math.floor(Math.random() * 6000)), pin: '1234', skip_greeting: true, skip_instructions: true });
      const number = await h.callflow({
        module: 'missed_call_alert',
        data: { recipients: [{ type: 'email', id: 'desk@example.test' }] },
        children: { _: { module: 'voicemail', data: { id: box } } },
      });
      const caller = await h.call(number, { callerId: '"Bob" <5550002>' });
      await caller.waitUp();
      await leaveMessage(caller);
      await caller.waitEnded(8000);
      const rec = await h.record(caller.peerId);
      expect(rec.attributes.voicemail).to.deep.include({ message_left: true });
      await logLine(caller.peerId, /call was not missed: no alert/);
      await sleep(300);
      expect(mailsFor(caller.peerId)).to.have.length(0);
    });

    it('without SMTP configured: logs, the call goes on', async () => {
      delete process.env.ARIFLOW_SMTP_URL;
      try {
        const number = await h.callflow({
          module: 'missed_call_alert',
          data: { recipients: [{ type: 'email', id: 'desk@example.test' }] },
          children: { _: { module: 'play', data: { id: 'beep' } } },
        });
        const caller = await h.call(number);
        await caller.waitPlayback('PlaybackFinished', 'sound:beep');
        await caller.waitEnded();
        expect((await h.record(caller.peerId)).trace.map((s) => [s.module, s.result])).to.deep.equal([
          ['missed_call_alert', '_'],
          ['play', '_ (no child)'],
        ]);
        await logLine(caller.peerId, /no SMTP server configured/);
        expect(mailsFor(caller.peerId)).to.have.length(0);
      } finally {
        process.env.ARIFLOW_SMTP_URL = smtp.url;
      }
    });
  });

  describe('notification', () => {
    before(async () => {
      await h.doc('notifications', {
        id: 'vip_call',
        subject: 'Call from {{ caller_id.name }} ({{caller_id.number}})',
        text: 'To {{to.user}}: {{ comments }} [{{call_id}}] voicemail={{message_left}}',
        html: '<p>{{caller_id.name}} [{{call_id}}]</p>',
        to: { email_addresses: ['default@example.test'] },
      });
    });

    it('send_at channel_destroy (default): renders the account template for the recipients after hangup', async () => {
      const number = await h.callflow({
        module: 'notification',
        data: { template_id: 'vip_call', recipients: [{ type: 'email', id: 'ops@example.test' }], comments: 'VIP line' },
        children: { _: { module: 'play', data: { id: 'beep' } } },
      });
      const caller = await h.call(number, { callerId: '"A&B" <5557777>' });
      await caller.waitPlayback('PlaybackFinished', 'sound:beep');
      expect(mailsFor(caller.peerId)).to.have.length(0);
      await caller.waitEnded();
      const mail = await mailFor(caller.peerId);
      expect(mail.envelopeTo).to.deep.equal(['ops@example.test']);
      expect(mail.subject).to.equal('Call from A&B (5557777)');
      expect(mail.text).to.equal(`To ${number}: VIP line [${caller.peerId}] voicemail=false`);
      expect(mail.html).to.equal(`<p>A&amp;B [${caller.peerId}]</p>`);
      expect((await h.record(caller.peerId)).trace[0].reason).to.equal('notification vip_call armed for hangup');
    });

    it('send_at callflow_exec: sends while the call is still up, to the template recipients when none are given', async () => {
      const number = await h.callflow({
        module: 'notification',
        data: { template_id: 'vip_call', send_at: 'callflow_exec' },
        children: { _: { module: 'play', data: { id: 'tt-monkeys' } } },
      });
      const caller = await h.call(number, { callerId: '"Carol" <5550003>' });
      const mail = await mailFor(caller.peerId);
      expect(caller.events().some((e) => e.type === 'ChannelDestroyed')).to.equal(false);
      expect(mail.envelopeTo).to.deep.equal(['default@example.test']);
      expect(mail.subject).to.equal('Call from Carol (5550003)');
      await caller.hangup();
      expect((await h.record(caller.peerId)).trace[0].reason).to.equal('notification vip_call sent now');
    });

    it('an unknown template or sms-only media sends nothing and continues', async () => {
      const number = await h.callflow({
        module: 'notification',
        data: { template_id: 'no_such_template', recipients: [{ type: 'email', id: 'ops@example.test' }] },
        children: {
          _: {
            module: 'notification',
            data: { template_id: 'vip_call', notification_media: ['sms'], recipients: [{ type: 'email', id: 'ops@example.test' }] },
            children: { _: { module: 'play', data: { id: 'beep' } } },
          },
        },
      });
      const caller = await h.call(number);
      await caller.waitEnded();
      const rec = await h.record(caller.peerId);
      expect(rec.trace.map((s) => [s.module, s.result, s.reason ?? null])).to.deep.equal([
        ['notification', '_', 'template no_such_template not found: nothing sent'],
        ['notification', '_', 'sms notifications are not supported: nothing sent'],
        ['play', '_ (no child)', null],
      ]);
      await sleep(500);
      expect(mailsFor(caller.peerId)).to.have.length(0);
    });
  });

  /** Speaks (tt-monkeys from the caller leg) after the beep, presses #, then 1 to save. */
  async function leaveMessage(caller: SimCaller): Promise<void> {
    await sleep(700);
    const playbackId = `pb-${caller.id}`;
    await h.driver.rest('POST', `/channels/${caller.id}/play`, { media: 'sound:tt-monkeys', playbackId });
    await sleep(1500);
    await h.driver.rest('DELETE', `/playbacks/${playbackId}`).catch(() => {});
    await caller.sendDtmf('#');
    await caller.waitFor('PlaybackStarted', (e) => e.playback?.media_uri === 'sound:vm-review', 8000);
    await caller.sendDtmf('1');
    await caller.waitFor('PlaybackStarted', (e) => e.playback?.media_uri === 'sound:vm-msgsaved', 8000);
  }
});
