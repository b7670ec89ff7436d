// Pure logic of webhook / missed_call_alert / notification: form encoding, the HTTP request built,
// URL checks, payload merge, recipients, the missed-call rule, templates and SMTP configuration.
import { expect } from 'chai';
import { formPairs, toQueryString } from '../../../lib/webhooks/form.ts';
import { buildHttpRequest, webhookUrl } from '../../../lib/webhooks/deliver.ts';
import { callPayload, withCustomData } from '../../../lib/webhooks/payload.ts';
import { isEmailAddress, resolveRecipients } from '../../../lib/notify/recipients.ts';
import { callerLabel, factsFromRecord, isMissedCall, missedCallMail, renderTemplate, templateMacros } from '../../../lib/notify/messages.ts';
import { mailConfigFromEnv } from '../../../lib/notify/mailer.ts';
import type { CallRecord } from '../../../lib/engine/call-records.ts';
import type { CallContext } from '../../../lib/engine/module.ts';

describe('notify/webhook logic', () => {
  describe('form encoding (Kazoo json_to_querystring)', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, ''],
      [{ a: '1', b: 2, c: true }, 'a=1&b=2&c=true'],
      [{ a: null, b: undefined, c: 'x' }, 'c=x'],
      [{ cav: { foo: 'bar', n: 1 } }, 'cav%5Bfoo%5D=bar&cav%5Bn%5D=1'],
      [{ list: ['x', 'y'] }, 'list%5B%5D=x&list%5B%5D=y'],
      [{ deep: { a: { b: 'c' } } }, 'deep%5Ba%5D%5Bb%5D=c'],
      [{ s: 'a b&c=d' }, 's=a+b%26c%3Dd'],
      [{ d: new Date('2024-01-02T03:04:05Z') }, 'd=2024-01-02T03%3A04%3A05.000Z'],
    ];
    for (const [input, want] of cases) {
      it(`${JSON.stringify(input)} → ${want || '(empty)'}`, () => expect(toQueryString(input)).to.equal(want));
    }
    it('keeps document order in pairs', () => {
      expect(formPairs({ z: 1, a: { y: 2, b: 3 } })).to.deep.equal([
        ['z', '1'],
        ['a[y]', '2'],
        ['a[b]', '3'],
      ]);
    });
  });

  describe('webhook URL', () => {
    for (const ok of ['http://example.test/hook', 'https://example.test:8443/a?b=c']) {
      it(`accepts ${ok}`, () => expect(webhookUrl(ok).toString()).to.equal(new URL(ok).toString()));
    }
    for (const bad of ['', 'example.test/hook', 'ftp://example.test/x', 'file:///etc/passwd', 'javascript:alert(1)', 'http//x']) {
      it(`refuses ${JSON.stringify(bad)}`, () => expect(() => webhookUrl(bad)).to.throw(/webhook uri/));
    }
  });

  describe('HTTP request', () => {
    const body = { call_id: 'c1', custom_application_vars: { k: 'v' } };
    it('GET puts the payload in the query string, after an existing query', () => {
      const r = buildHttpRequest({ uri: 'http://h.test/p?x=1', method: 'get', format: 'json', body });
      expect(r.init.method).to.equal('GET');
      expect(r.init.body).to.equal(undefined);
      expect(r.url).to.equal('http://h.test/p?x=1&call_id=c1&custom_application_vars%5Bk%5D=v');
    });
    it('POST form-data (default) sends a urlencoded body', () => {
      const r = buildHttpRequest({ uri: 'http://h.test/p', method: 'post', format: 'form-data', body });
      expect(r.init.method).to.equal('POST');
      expect((r.init.headers as Record<string, string>)['Content-Type']).to.equal('application/x-www-form-urlencoded');
      expect(r.init.body).to.equal('call_id=c1&custom_application_vars%5Bk%5D=v');
    });
    it('POST json sends JSON', () => {
      const r = buildHttpRequest({ uri: 'https://h.test/p', method: 'post', format: 'json', body });
      expect((r.init.headers as Record<string, string>)['Content-Type']).to.equal('application/json');
      expect(JSON.parse(String(r.init.body))).to.deep.equal(body);
    });
  });

  describe('payload', () => {
    const ctx = {
      call: { id: 'call-1', callerId: { name: 'Alice', number: '5551234' }, dialed: '2001', isAnswered: () => true },
      accountId: 'acc',
      callflowId: 'cf',
      captureGroup: undefined,
      cav: { team: 'sales' },
      attributes: { device_id: 'dev1' },
      language: 'en',
    } as unknown as CallContext;
    it('carries call fields, CAVs and the device as authorizing id', () => {
      const p = callPayload(ctx, new Date(1_700_000_000_000));
      expect(p).to.deep.equal({
        call_id: 'call-1',
        account_id: 'acc',
        callflow_id: 'cf',
        caller_id_name: 'Alice',
        caller_id_number: '5551234',
        request: '2001',
        to: '2001',
        from: '5551234',
        authorizing_type: 'device',
        authorizing_id: 'dev1',
        language: 'en',
        answered: true,
        custom_application_vars: { team: 'sales' },
        timestamp: 1_700_000_000,
      });
    });
    it('custom_data overwrites call fields (Kazoo) and ignores non-objects', () => {
      const p = callPayload(ctx);
      expect(withCustomData(p, { call_id: 'mine', app: 'x' })).to.include({ call_id: 'mine', app: 'x', caller_id_number: '5551234' });
      expect(withCustomData(p, ['a'])).to.deep.equal(p);
      expect(withCustomData(p, undefined)).to.deep.equal(p);
    });
  });

  describe('recipients', () => {
    const users: Record<string, { email?: unknown }> = {
      u1: { email: 'one@example.test' },
      u2: { email: '' },
      u3: { email: 'ONE@example.test' },
      u4: { email: 'evil@example.test\r\nBcc: x@y.test' },
    };
    const data = { get: async (c: string, id: string) => (c === 'users' ? (users[id] as never) : undefined) };
    const cases: Array<[string, unknown, string[], string[]]> = [
      ['nothing', undefined, [], []],
      ['one user', [{ type: 'user', id: 'u1' }], ['one@example.test'], []],
      ['user list with a missing and an empty e-mail', [{ type: 'user', id: ['u1', 'nope', 'u2'] }], ['one@example.test'], ['nope', 'u2']],
      ['addresses, de-duplicated case-insensitively', [{ type: 'email', id: ['a@x.test', 'A@x.test'] }, { type: 'user', id: 'u3' }, { type: 'user', id: 'u1' }], ['a@x.test', 'ONE@example.test'], []],
      ['a single address string', [{ type: 'email', id: 'b@x.test' }], ['b@x.test'], []],
      ['malformed address and header injection refused', [{ type: 'email', id: ['not-an-address'] }, { type: 'user', id: 'u4' }], [], ['not-an-address', 'u4']],
      ['unknown type ignored', [{ type: 'group', id: 'g1' }, null, 'x'], [], []],
    ];
    for (const [name, input, emails, skipped] of cases) {
      it(name, async () => expect(await resolveRecipients(data, input)).to.deep.equal({ emails, skipped }));
    }
    it('isEmailAddress', () => {
      expect(['a@b.c', 'first.last+tag@sub.example.test'].map(isEmailAddress)).to.deep.equal([true, true]);
      expect(['', 'a@b', 'a b@c.d', '<a@b.c>', 'a@b.c,d@e.f', 5].map(isEmailAddress)).to.deep.equal([false, false, false, false, false, false]);
    });
  });

  describe('missed call rule and messages', () => {
    const record = (attributes: Record<string, unknown>): CallRecord => ({
      _id: 'call-9',
      account_id: 'acc',
      callflow_id: 'cf',
      direction: 'inbound',
      caller_id_number: '5551234',
      caller_id_name: 'Alice',
      callee: '2001',
      started_at: new Date('2024-03-10T15:00:00Z'),
      answered_at: null,
      ended_at: new Date('2024-03-10T15:00:12Z'),
      duration_ms: 12_400,
      hangup_cause: 'NORMAL_CLEARING',
      end: 'caller_hangup',
      trace: [],
      cav: {},
      attributes,
    });
    const cases: Array<[Record<string, unknown>, boolean]> = [
      [{}, true],
      [{ call_bridged: true }, false],
      [{ message_left: true }, false],
      [{ voicemail: { action: 'compose', message_left: true } }, false],
      [{ voicemail: { action: 'compose' } }, true],
      [{ call_bridged: 'true' }, true],
    ];
    for (const [attributes, missed] of cases) {
      it(`${JSON.stringify(attributes)} → ${missed ? 'missed' : 'not missed'}`, () => expect(isMissedCall(factsFromRecord(record(attributes)))).to.equal(missed));
    }
    it('the missed-call mail names the caller, the number, the local time and the call', () => {
      const mail = missedCallMail(factsFromRecord(record({}), { name: 'Acme', timezone: 'America/New_York' }));
      expect(mail.subject).to.equal('Missed call from Alice <5551234>');
      expect(mail.text).to.contain('Called number: 2001');
      expect(mail.text).to.contain('Date: 2024-03-10 11:00:00 (America/New_York)');
      expect(mail.text).to.contain('Duration: 12 s');
      expect(mail.text).to.contain('Account: Acme');
      expect(mail.text).to.contain('Call ID: call-9');
    });
    it('a bad time zone falls back to UTC; a caller name with a newline stays on one subject line', () => {
      const facts = factsFromRecord({ ...record({}), caller_id_name: 'Eve\r\nBcc: x@y.test' }, { timezone: 'Not/AZone' });
      const mail = missedCallMail(facts);
      expect(mail.text).to.contain('(UTC)');
      expect(mail.subject).to.not.match(/[\r\n]/);
    });
    const labels: Array<[string, string, string]> = [
      ['Alice', '5551234', 'Alice <5551234>'],
      ['5551234', '5551234', '5551234'],
      ['', '5551234', '5551234'],
      ['Bob', '', 'Bob'],
      ['', '', 'unknown caller'],
    ];
    for (const [name, number, want] of labels) it(`callerLabel(${name}, ${number}) = ${want}`, () => expect(callerLabel(name, number)).to.equal(want));
  });

  describe('templates', () => {
    const macros = { caller_id: { name: 'A<b>', number: '555' }, n: 0, flag: false, obj: { x: 1 } };
    const cases: Array<[string, string, boolean?]> = [
      ['Call from {{caller_id.number}}', 'Call from 555'],
      ['{{ caller_id.name }} / {{caller_id.name|safe}}', 'A<b> / A<b>'],
      ['{{ caller_id.name }}', 'A&lt;b&gt;', true],
      ['{{missing}}{{caller_id.nope}}{{obj}}', ''],
      ['{{n}} {{flag}}', '0 false'],
      ['{{ __proto__.constructor }}', ''],
      ['no macros {single}', 'no macros {single}'],
    ];
    for (const [tpl, want, html] of cases) it(`${tpl}${html ? ' (html)' : ''}`, () => expect(renderTemplate(tpl, macros, { html })).to.equal(want));
    it('macros use Kazoo teletype names', () => {
      const facts = factsFromRecord({
        _id: 'c', account_id: 'a', callflow_id: null, direction: 'inbound', caller_id_number: '1', caller_id_name: 'N', callee: '2',
        started_at: new Date(0), answered_at: null, ended_at: new Date(1000), duration_ms: 1000, hangup_cause: 'X', end: 'hangup', trace: [], cav: {}, attributes: {},
      });
      const m = templateMacros(facts, { comments: 'hi' });
      expect(renderTemplate('{{caller_id.name}} {{caller_id.number}} {{to.user}} {{call_id}} {{comments}} {{date_called.utc}} {{duration_seconds}}', m)).to.equal(
        'N 1 2 c hi 1970-01-01T00:00:00.000Z 1',
      );
    });
  });

  describe('SMTP configuration', () => {
    it('absent without ARIFLOW_SMTP_URL', () => expect(mailConfigFromEnv({})).to.equal(undefined));
    it('reads url and from', () => {
      expect(mailConfigFromEnv({ ARIFLOW_SMTP_URL: 'smtp://127.0.0.1:2525', ARIFLOW_SMTP_FROM: 'pbx@example.test' })).to.deep.equal({
        url: 'smtp://127.0.0.1:2525',
        from: 'pbx@example.test',
      });
      expect(mailConfigFromEnv({ ARIFLOW_SMTP_URL: 'smtps://u:p@mail.example.test' })!.from).to.match(/^ariflow@/);
    });
    for (const bad of ['not a url', 'http://mail.example.test']) {
      it(`refuses ${bad}`, () => expect(() => mailConfigFromEnv({ ARIFLOW_SMTP_URL: bad })).to.throw(/ARIFLOW_SMTP_URL/));
    }
  });
});
