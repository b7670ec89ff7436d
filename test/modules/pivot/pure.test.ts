// pivot's pure parts, table-tested: address policy, URLs, request parameters and encodings, signatures,
// TwiML parsing, response interpretation, the loop budget, config.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { requestTimeoutMs } from '../../../callflows/pivot.ts';
import { addressRefusal, checkTarget, parseTargetUrl } from '../../../lib/pivot/address-policy.ts';
import { cdrParams } from '../../../lib/pivot/cdr.ts';
import { loadPivotConfig } from '../../../lib/pivot/config.ts';
import { cut, recordExchange, type ExchangeRecord } from '../../../lib/pivot/debug.ts';
import { PivotFailure } from '../../../lib/pivot/failure.ts';
import { transportFailure } from '../../../lib/pivot/http.ts';
import { buildRequest, encodeForm, requestParams, type CallFacts } from '../../../lib/pivot/params.ts';
import { interpretResponse as interpret } from '../../../lib/pivot/response.ts';
import { validateFlow } from '../../../lib/validation/callflow.ts';
import { RequestBudget } from '../../../lib/pivot/session.ts';
import { signPayload, signatureHeaders, verifySignature } from '../../../lib/pivot/signature.ts';
import { parseTwiml } from '../../../lib/pivot/twiml.ts';
import { kazooVoice, recordTerminator } from '../../../lib/pivot/twiml-run.ts';

function failure(fn: () => unknown): PivotFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof PivotFailure) return err;
    throw err;
  }
  throw new Error('expected a PivotFailure');
}

async function failureOf(p: Promise<unknown>): Promise<PivotFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PivotFailure) return err;
    throw err;
  }
  throw new Error('expected a PivotFailure');
}

const deny = { denyPrivate: true, allowLoopback: false };

describe('pivot: address policy', () => {
  const table: Array<[string, string | undefined, string | undefined]> = [
    // address, refused with loopback denied, refused with loopback allowed
    ['8.8.8.8', undefined, undefined],
    ['1.1.1.1', undefined, undefined],
    ['127.0.0.1', 'loopback', undefined],
    ['127.255.0.9', 'loopback', undefined],
    ['::1', 'loopback', undefined],
    ['10.1.2.3', 'private or reserved', 'private or reserved'],
    ['172.16.0.1', 'private or reserved', 'private or reserved'],
    ['172.31.255.255', 'private or reserved', 'private or reserved'],
    ['172.32.0.1', undefined, undefined],
    ['192.168.1.1', 'private or reserved', 'private or reserved'],
    ['169.254.169.254', 'private or reserved', 'private or reserved'],
    ['100.64.0.1', 'private or reserved', 'private or reserved'],
    ['0.0.0.0', 'private or reserved', 'private or reserved'],
    ['224.0.0.1', 'private or reserved', 'private or reserved'],
    ['255.255.255.255', 'private or reserved', 'private or reserved'],
    ['fd12::1', 'private or reserved', 'private or reserved'],
    ['fe80::1', 'private or reserved', 'private or reserved'],
    ['::', 'private or reserved', 'private or reserved'],
    ['::ffff:10.0.0.1', 'private or reserved', 'private or reserved'],
    ['::ffff:127.0.0.1', 'loopback', undefined],
    ['2001:4860:4860::8888', undefined, undefined],
  ];
  for (const [address, denied, withLoopback] of table) {
    it(`${address}: ${denied ?? 'allowed'} / loopback allowed: ${withLoopback ?? 'allowed'}`, () => {
      expect(addressRefusal(address, deny)).to.equal(denied);
      expect(addressRefusal(address, { denyPrivate: true, allowLoopback: true })).to.equal(withLoopback);
      expect(addressRefusal(address, { denyPrivate: false, allowLoopback: false })).to.equal(undefined);
    });
  }

  it('checks every address a name resolves to, and reports names that do not resolve', async () => {
    const signal = new AbortController().signal;
    const lookup = async (host: string) => {
      if (host === 'public.example') return [{ address: '93.184.216.34', family: 4 }];
      if (host === 'mixed.example') return [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.8', family: 4 }];
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    await checkTarget(new URL('http://public.example/x'), deny, signal, lookup);
    expect((await failureOf(checkTarget(new URL('http://mixed.example/x'), deny, signal, lookup))).kind).to.equal('denied');
    expect((await failureOf(checkTarget(new URL('http://gone.example/x'), deny, signal, lookup))).kind).to.equal('dns');
    expect((await failureOf(checkTarget(new URL('http://[::1]:8080/x'), deny, signal, lookup))).message).to.match(/::1 \(loopback\)/);
    expect((await failureOf(checkTarget(new URL('http://0x7f.1/'), deny, signal, lookup))).kind).to.equal('denied');
    // Without the policy nothing is resolved at all.
    await checkTarget(new URL('http://gone.example/x'), { denyPrivate: false, allowLoopback: false }, signal, lookup);
  });

  it('a slow resolver is cut short by the deadline', async () => {
    const ctrl = new AbortController();
    const slow = () => new Promise<never>(() => {});
    setTimeout(() => ctrl.abort(new PivotFailure('timeout', 'deadline')), 20);
    expect((await failureOf(checkTarget(new URL('http://slow.example/'), deny, ctrl.signal, slow))).kind).to.equal('timeout');
  });

  it('accepts only absolute http(s) URLs without credentials, resolving relative ones against a base', () => {
    expect(parseTargetUrl('https://example.com/a?b=1').href).to.equal('https://example.com/a?b=1');
    expect(parseTargetUrl('next?x=1', 'http://example.com/ivr/start').href).to.equal('http://example.com/ivr/next?x=1');
    expect(parseTargetUrl('/other', 'http://example.com/ivr/start').href).to.equal('http://example.com/other');
    for (const bad of ['ftp://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'http://user:pw@example.com/']) {
      expect(failure(() => parseTargetUrl(bad)).kind, bad).to.equal('bad_url');
    }
  });
});

const facts: CallFacts = {
  callId: 'call-1',
  accountId: 'acc-1',
  callerIdName: 'Alice',
  callerIdNumber: '5551234',
  dialed: '2000',
  realm: 'acme.example',
  language: 'en',
  answered: true,
  cav: { plan: 'gold' },
  collected: { default: '12', pin: '9' },
  userIds: ['u1'],
  vars: {},
};

describe('pivot: request parameters', () => {
  it('Kazoo format: Kazoo names, CAVs and digit collections, empty values left out', () => {
    expect(requestParams('kazoo', facts)).to.deep.equal({
      'Call-ID': 'call-1',
      'Account-ID': 'acc-1',
      From: '5551234',
      'From-Realm': 'acme.example',
      To: '2000',
      'To-Realm': 'acme.example',
      Request: '2000',
      'Request-Realm': 'acme.example',
      'Call-Status': 'in-progress',
      'Api-Version': '4.x',
      Direction: 'inbound',
      'Caller-ID-Name': 'Alice',
      'Caller-ID-Number': '5551234',
      'User-ID': 'u1',
      Language: 'en',
      'Custom-Application-Vars': { plan: 'gold' },
      Digits: { default: '12', pin: '9' },
    });
    const bare = requestParams('kazoo', { ...facts, realm: undefined, cav: {}, collected: {}, userIds: ['a', 'b'], answered: false, callerIdName: '' });
    expect(bare).not.to.have.any.keys('From-Realm', 'Custom-Application-Vars', 'Digits', 'Caller-ID-Name');
    expect(bare['User-ID']).to.deep.equal(['a', 'b']);
    expect(bare['Call-Status']).to.equal('ringing');
  });

  it('TwiML format: Twilio names; a Gather\'s digits and a recording win over collections', () => {
    const p = requestParams('twiml', { ...facts, vars: { digits: '7', recordingUrl: '/r', recordingDuration: 3, recordingId: 'm1' } });
    expect(p).to.deep.equal({
      CallSid: 'call-1',
      AccountSid: 'acc-1',
      From: '5551234',
      FromRealm: 'acme.example',
      To: '2000',
      ToRealm: 'acme.example',
      CallStatus: 'in-progress',
      ApiVersion: '2010-04-01',
      Direction: 'inbound',
      CallerName: 'Alice',
      CallerNumber: '5551234',
      RecordingUrl: '/r',
      RecordingDuration: 3,
      RecordingSid: 'm1',
      Digits: '7',
    });
  });

  it('form-encodes nested values like Kazoo', () => {
    expect(encodeForm({ A: 'x y', Digits: { default: '1#' }, 'User-ID': ['u1', 'u2'], N: 3 })).to.equal('A=x+y&Digits%5Bdefault%5D=1%23&User-ID%5B%5D=u1&User-ID%5B%5D=u2&N=3');
  });

  it('GET appends to the existing query; POST sends a form or JSON body; the signed payload is what is sent', () => {
    const get = buildRequest(new URL('http://s.example/ivr?token=abc'), 'GET', 'form', { A: '1' });
    expect(get.url.href).to.equal('http://s.example/ivr?token=abc&A=1');
    expect(get.signedPayload).to.equal('token=abc&A=1');
    expect(get.body).to.equal(undefined);
    const bare = buildRequest(new URL('http://s.example/ivr'), 'GET', 'json', { A: '1' });
    expect(bare.url.href).to.equal('http://s.example/ivr?A=1');
    const form = buildRequest(new URL('http://s.example/ivr'), 'POST', 'form', { A: '1', D: { x: '2' } });
    expect([form.body, form.headers['Content-Type'], form.signedPayload]).to.deep.equal(['A=1&D%5Bx%5D=2', 'application/x-www-form-urlencoded', 'A=1&D%5Bx%5D=2']);
    const body = buildRequest(new URL('http://s.example/ivr'), 'POST', 'json', { A: '1', D: { x: '2' } });
    expect([body.body, body.headers['Content-Type']]).to.deep.equal(['{"A":"1","D":{"x":"2"}}', 'application/json']);
  });

  it('the CDR adds the completed status, duration and cause', () => {
    expect(cdrParams({ format: 'twiml' }, facts, { durationSec: 12, cause: 'NORMAL_CLEARING' })).to.include({ CallStatus: 'completed', CallDuration: 12, HangupCause: 'NORMAL_CLEARING', CallSid: 'call-1' });
    expect(cdrParams({ format: 'kazoo' }, facts, { durationSec: 0, cause: 'USER_BUSY' })).to.include({ 'Call-Status': 'completed', 'Call-Duration': 0, 'Hangup-Cause': 'USER_BUSY' });
  });
});

describe('pivot: signatures', () => {
  const secret = 'a'.repeat(64);
  it('HMAC-SHA256 over "<timestamp>.<payload>", verified in constant time with a freshness window', () => {
    expect(signPayload(secret, 1700000000, 'A=1')).to.equal(`v1=${createHmac('sha256', secret).update('1700000000.A=1').digest('hex')}`);
    const now = 1_700_000_000_000;
    const h = signatureHeaders(secret, 'A=1', now);
    expect(h['X-Ariflow-Timestamp']).to.equal('1700000000');
    expect(h['X-Ariflow-Signature']).to.match(/^v1=[0-9a-f]{64}$/);
    const headers = { timestamp: h['X-Ariflow-Timestamp'], signature: h['X-Ariflow-Signature'] };
    expect(verifySignature(secret, headers, 'A=1', { now })).to.equal(true);
    expect(verifySignature(secret, headers, 'A=2', { now })).to.equal(false);
    expect(verifySignature('b'.repeat(64), headers, 'A=1', { now })).to.equal(false);
    expect(verifySignature(secret, headers, 'A=1', { now: now + 301_000 })).to.equal(false);
    expect(verifySignature(secret, { timestamp: 'x', signature: headers.signature }, 'A=1', { now })).to.equal(false);
    expect(verifySignature(secret, { timestamp: headers.timestamp, signature: null }, 'A=1', { now })).to.equal(false);
  });
});

describe('pivot: TwiML parsing', () => {
  it('reads verbs in order with Twilio defaults', () => {
    const verbs = parseTwiml(`<?xml version="1.0" encoding="UTF-8"?>
      <!-- a comment -->
      <Response>
        <Say voice="man" language="fr-FR" loop="2">Bonjour &amp; bienvenue</Say>
        <Play>http://example.com/a.wav</Play>
        <Gather action="next" method="get" numDigits="4" timeout="7" finishOnKey="*">
          <Say>Enter your PIN</Say><Pause length="2"/><Play loop="0">beep</Play>
        </Gather>
        <Record action="/rec" maxLength="30" timeout="3" playBeep="false" finishOnKey=""/>
        <Pause/>
        <Redirect>/again</Redirect>
        <Hangup/>
        <Reject reason="busy"/>
        <Dial timeout="20" callerId="+15550000">+15551111<Number>+15552222</Number><Sip>sip:bob@example.com</Sip><Conference>room1</Conference></Dial>
      </Response>`);
    expect(verbs).to.deep.equal([
      { verb: 'Say', text: 'Bonjour & bienvenue', voice: 'man', language: 'fr-FR', loop: 2 },
      { verb: 'Play', media: 'http://example.com/a.wav', loop: 1 },
      {
        verb: 'Gather',
        action: 'next',
        method: 'GET',
        timeoutSec: 7,
        finishOnKey: '*',
        numDigits: 4,
        prompts: [
          { verb: 'Say', text: 'Enter your PIN', voice: undefined, language: undefined, loop: 1 },
          { verb: 'Pause', seconds: 2 },
          { verb: 'Play', media: 'beep', loop: 0 },
        ],
      },
      { verb: 'Record', action: '/rec', method: 'POST', timeoutSec: 3, finishOnKey: '', maxLengthSec: 30, playBeep: false },
      { verb: 'Pause', seconds: 1 },
      { verb: 'Redirect', url: '/again', method: 'POST' },
      { verb: 'Hangup' },
      { verb: 'Reject', reason: 'busy' },
      {
        verb: 'Dial',
        action: undefined,
        method: 'POST',
        timeoutSec: 20,
        callerId: '+15550000',
        targets: [
          { kind: 'number', value: '+15551111' },
          { kind: 'number', value: '+15552222' },
          { kind: 'sip', value: 'sip:bob@example.com' },
          { kind: 'conference', value: 'room1' },
        ],
      },
    ]);
    expect(parseTwiml('<Response><Gather/></Response>')).to.deep.equal([
      { verb: 'Gather', action: undefined, method: 'POST', timeoutSec: 5, finishOnKey: '#', numDigits: undefined, prompts: [] },
    ]);
    expect(parseTwiml('<Response/>')).to.deep.equal([]);
    expect(parseTwiml('<Response><Say><![CDATA[a < b]]></Say></Response>')).to.deep.equal([{ verb: 'Say', text: 'a < b', voice: undefined, language: undefined, loop: 1 }]);
  });

  const bad: Array<[string, RegExp]> = [
    ['', /not well-formed|root element/],
    ['<Response><Say>unclosed</Response>', /not well-formed/],
    ['<Reply/>', /root element must be <Response>/],
    ['<Response/><Response/>', /not well-formed|root element/],
    ['<Response><Dance/></Response>', /unknown verb <Dance>/],
    ['<Response><Say/></Response>', /Say needs text/],
    ['<Response><Play> </Play></Response>', /Play needs a URL/],
    ['<Response><Redirect/></Response>', /Redirect needs a URL/],
    ['<Response><Say loop="-1">x</Say></Response>', /loop="-1" is not a whole number/],
    ['<Response><Say loop="1001">x</Say></Response>', /between 0 and 1000/],
    ['<Response><Gather method="PUT"/></Response>', /method="PUT" must be GET or POST/],
    ['<Response><Gather finishOnKey="a"/></Response>', /may only hold 0-9/],
    ['<Response><Gather><Hangup/></Gather></Response>', /Hangup is not allowed here/],
    ['<Response><Gather><Gather/></Gather></Response>', /Gather is not allowed here/],
    ['<Response><Record>x</Record></Response>', /Record takes no content/],
    ['<Response><Record playBeep="maybe"/></Response>', /must be true or false/],
    ['<Response><Reject reason="later"/></Response>', /must be rejected or busy/],
    ['<Response><Dial/></Response>', /Dial needs a number/],
    ['<Response><Dial><Queue>q</Queue></Dial></Response>', /Queue is not allowed in Dial/],
    ['<!DOCTYPE r [<!ENTITY a "aaaaaaaa">]><Response><Say>&a;</Say></Response>', /DOCTYPE/],
    [`<Response>${'<Hangup/>'.repeat(201)}</Response>`, /more than 200 verbs/],
  ];
  for (const [doc, message] of bad) {
    it(`refuses ${JSON.stringify(doc.slice(0, 60))}`, () => {
      const f = failure(() => parseTwiml(doc));
      expect(f.kind).to.equal('invalid');
      expect(f.message).to.match(message);
    });
  }

  it('maps Twilio voices and finish keys onto what ariflow has', () => {
    expect([kazooVoice('man'), kazooVoice('alice'), kazooVoice('woman'), kazooVoice('Polly.Joanna'), kazooVoice(undefined)]).to.deep.equal(['male', 'female', 'female', undefined, undefined]);
    expect([recordTerminator(''), recordTerminator('#'), recordTerminator('1234567890*#'), recordTerminator('*')]).to.deep.equal(['none', '#', 'any', 'any']);
  });
});

const interpretResponse = (type: string, body: string) => interpret(type, body, (flow) => validateFlow(flow, 'flow'));

describe('pivot: interpreting a response', () => {
  const node = JSON.stringify({ module: 'play', data: { id: 'beep' }, children: { _: { module: 'hangup', data: {} } } });
  it('chooses the interpreter by content type, and sniffs other types', () => {
    expect(interpretResponse('application/json; charset=utf-8', node).kind).to.equal('kazoo');
    expect(interpretResponse('application/vnd.kazoo+json', node).kind).to.equal('kazoo');
    expect(interpretResponse('text/xml', '<Response><Hangup/></Response>').kind).to.equal('twiml');
    expect(interpretResponse('application/xml', '<Response/>').kind).to.equal('twiml');
    expect(interpretResponse('text/html', '  <Response><Hangup/></Response>').kind).to.equal('twiml');
    expect(interpretResponse('', `\uFEFF${node}`).kind).to.equal('kazoo');
    const r = interpretResponse('application/json', node);
    expect(r.kind === 'kazoo' && r.flow.module).to.equal('play');
  });

  const bad: Array<[string, string, string, RegExp]> = [
    ['application/json', '', 'empty', /empty/],
    ['text/xml', '  \n ', 'empty', /empty/],
    ['application/json', '{"module":', 'invalid', /not valid JSON/],
    ['application/json', '[]', 'invalid', /fails validation/],
    ['application/json', '"play"', 'invalid', /fails validation/],
    ['application/json', '{"module":"nope"}', 'invalid', /unknown callflow module/],
    ['application/json', '{"module":"play","data":{"id":"beep"},"children":{"_":{"module":"sleep","data":{"duration":"soon"}}}}', 'invalid', /fails validation: flow\.children\._\.data\.duration/],
    ['application/json', '{"flow":{"module":"play"},"numbers":["1"]}', 'invalid', /fails validation/],
    ['application/json', '<Response/>', 'invalid', /not valid JSON/],
    ['text/xml', '{"module":"play"}', 'invalid', /not well-formed/],
    ['text/plain', 'hello', 'invalid', /unsupported response type "text\/plain"/],
  ];
  for (const [type, body, kind, message] of bad) {
    it(`${type} ${JSON.stringify(body.slice(0, 40))} → ${kind}`, () => {
      const f = failure(() => interpretResponse(type, body));
      expect(f.kind).to.equal(kind);
      expect(f.message).to.match(message);
    });
  }

  it('refuses a flow nested deeper than stored flows may be', () => {
    let flow: Record<string, unknown> = { module: 'noop', data: {} };
    for (let i = 0; i < 100; i++) flow = { module: 'noop', data: {}, children: { _: flow } };
    expect(failure(() => interpretResponse('application/json', JSON.stringify(flow))).message).to.match(/nested more than/);
  });
});

describe('pivot: transport failures, loop budget, timeouts, config, debug records', () => {
  it('classifies fetch errors by their cause', () => {
    const f = (code: string | undefined, message = 'x') => transportFailure(Object.assign(new TypeError('fetch failed'), { cause: { code, message } })).kind;
    expect([f('ECONNREFUSED'), f('ENOTFOUND'), f('EAI_AGAIN'), f('ECONNRESET'), f(undefined, 'bad port')]).to.deep.equal(['refused', 'dns', 'dns', 'network', 'bad_url']);
  });

  it('the request budget allows a burst, then one request per refill period', () => {
    let now = 0;
    const b = new RequestBudget(3, 1000, () => now);
    expect([b.take(), b.take(), b.take(), b.take()]).to.deep.equal([true, true, true, false]);
    now = 500;
    expect(b.take()).to.equal(false);
    now = 1000;
    expect([b.take(), b.take()]).to.deep.equal([true, false]);
    now = 100_000;
    expect([b.take(), b.take(), b.take(), b.take()]).to.deep.equal([true, true, true, false]);
  });

  it('req_timeout_ms, else req_timeout in seconds, else 5 s; never above 5 s', () => {
    expect(requestTimeoutMs({})).to.equal(5000);
    expect(requestTimeoutMs({ req_timeout_ms: 300 })).to.equal(300);
    expect(requestTimeoutMs({ req_timeout: 2 })).to.equal(2000);
    expect(requestTimeoutMs({ req_timeout: 20 })).to.equal(5000);
    expect(requestTimeoutMs({ req_timeout_ms: 800, req_timeout: 2 })).to.equal(800);
  });

  it('reads its environment and names a bad variable', () => {
    const c = loadPivotConfig({});
    expect(c).to.deep.include({ denyPrivate: false, allowLoopback: false, maxResponseBytes: 131072, maxBurst: 10, refillMs: 1000, debugAlways: false, publicUrl: undefined });
    expect(loadPivotConfig({ ARIFLOW_PIVOT_DENY_PRIVATE: '1', ARIFLOW_PIVOT_ALLOW_LOOPBACK: 'true', ARIFLOW_PIVOT_DEBUG: 'always', ARIFLOW_PUBLIC_URL: 'https://pbx.example.com/' })).to.deep.include({
      denyPrivate: true,
      allowLoopback: true,
      debugAlways: true,
      publicUrl: 'https://pbx.example.com',
    });
    expect(() => loadPivotConfig({ ARIFLOW_PIVOT_DENY_PRIVATE: 'maybe' })).to.throw(/ARIFLOW_PIVOT_DENY_PRIVATE/);
    expect(() => loadPivotConfig({ ARIFLOW_PIVOT_MAX_RESPONSE_BYTES: '0' })).to.throw(/ARIFLOW_PIVOT_MAX_RESPONSE_BYTES/);
    expect(() => loadPivotConfig({ ARIFLOW_PIVOT_DEBUG: 'loud' })).to.throw(/ARIFLOW_PIVOT_DEBUG/);
    expect(() => loadPivotConfig({ ARIFLOW_PUBLIC_URL: 'pbx.example.com' })).to.throw(/ARIFLOW_PUBLIC_URL/);
  });

  it('keeps the latest exchanges on the call record and counts the dropped ones; cuts long bodies', () => {
    const attributes: Record<string, unknown> = {};
    for (let seq = 1; seq <= 5; seq++) recordExchange(attributes, { seq } as ExchangeRecord, { debugBodyChars: 10, debugMaxExchanges: 3 });
    expect((attributes.pivot as ExchangeRecord[]).map((e) => e.seq)).to.deep.equal([3, 4, 5]);
    expect(attributes.pivot_dropped).to.equal(2);
    expect(cut('0123456789abc', 10)).to.equal('0123456789… [3 more characters]');
    expect(cut('short', 10)).to.equal('short');
  });
});
