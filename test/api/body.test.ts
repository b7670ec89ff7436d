// The request body reader: limits, content types, JSON syntax with positions, depth, refused keys.
import { expect } from 'chai';
import { findBadKey, jsonDepth, parseJson } from '../../lib/api/body.ts';
import { BadRequestError } from '../../lib/api/errors.ts';
import { startApi, type Harness } from './harness.ts';

function refused(text: string): Record<string, unknown> {
  try {
    parseJson(text);
  } catch (err) {
    expect(err).to.be.instanceOf(BadRequestError);
    return (err as BadRequestError).data;
  }
  throw new Error('accepted');
}

describe('API body reader', () => {
  it('measures nesting without parsing, ignoring brackets in strings', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}')).to.equal(3);
    expect(jsonDepth('"\\"[[["')).to.equal(0);
    expect(jsonDepth('[]')).to.equal(1);
  });

  it('names the position of a JSON syntax error', () => {
    const data = refused('{"data": {"a": 1,}}');
    expect(String(data.message)).to.match(/not valid JSON/);
    expect(data.position).to.be.a('number');
  });

  it('refuses deep nesting, prototype keys, $ keys and NUL in keys, naming the path', () => {
    expect(String(refused(`{"data":${'['.repeat(65)}${']'.repeat(65)}}`).message)).to.include('64 levels');
    expect(refused('{"data":{"flow":{"__proto__":{"x":1}}}}')).to.include({ path: 'data.flow.__proto__' });
    expect(refused('{"data":{"a":[{"constructor":{}}]}}')).to.include({ path: 'data.a.0.constructor' });
    expect(refused('{"data":{"prototype":1}}')).to.include({ path: 'data.prototype' });
    expect(refused('{"data":{"$where":"1"}}')).to.include({ path: 'data.$where' });
    expect(refused('{"data":{"a\\u0000b":1}}').path).to.equal('data.a\u0000b');
    expect(findBadKey({ ok: { fine: ['x', { 'dots.are': 'fine', 'a$b': 1 }] } })).to.equal(undefined);
  });

  describe('over HTTP', function () {
    let h: Harness;
    before(async () => (h = await startApi()));
    after(async () => h?.close());
    const path = () => `/v2/accounts/${h.masterId}/menus`;

    it('413 over 1 MiB, 415 for other content types, 400 for bad JSON, bad UTF-8 or a bad envelope', async () => {
      const big = `{"data":{"name":"${'x'.repeat(1024 * 1024)}"}}`;
      expect((await h.request('PUT', path(), { raw: big, contentType: 'application/json' })).status).to.equal(413);
      const form = await h.request('PUT', path(), { raw: 'name=x', contentType: 'application/x-www-form-urlencoded' });
      expect(form.status).to.equal(415);
      expect(form.body.data.accepted).to.deep.equal(['application/json']);
      const syntax = await h.request('PUT', path(), { raw: '{"data":', contentType: 'application/json' });
      expect(syntax.status).to.equal(400);
      expect(syntax.body.message).to.equal('invalid json');
      expect((await h.request('PUT', path(), { raw: new Uint8Array([0x7b, 0xff, 0x7d]), contentType: 'application/json' })).status).to.equal(400);
      expect((await h.request('PUT', path(), { json: { name: 'no envelope' } })).status).to.equal(400);
      expect((await h.request('PUT', path(), { json: { data: ['not', 'an', 'object'] } })).status).to.equal(400);
      // application/vnd.api+json and a missing content type are read as JSON.
      expect((await h.request('PUT', path(), { raw: '{"data":{"name":"typed"}}', contentType: 'application/vnd.kazoo+json' })).status).to.equal(201);
      expect((await h.request('PUT', path(), { raw: new TextEncoder().encode('{"data":{"name":"untyped"}}') })).status).to.equal(201);
    });

    it('keeps JSON key order except integer-like keys (a JavaScript rule), which callflows do not rely on', async () => {
      const flow = { module: 'menu', data: {}, children: { timeout: { module: 'hangup' }, '2': { module: 'hangup' }, _: { module: 'hangup' }, '1': { module: 'hangup' } } };
      const res = await h.request('PUT', `/v2/accounts/${h.masterId}/callflows`, { json: { data: { numbers: ['1234'], flow } } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(Object.keys(res.body.data.flow.children)).to.deep.equal(['1', '2', 'timeout', '_']);
    });
  });
});
