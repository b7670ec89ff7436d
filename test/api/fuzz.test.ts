// 1,000 malformed requests from a seeded PRNG (reproducible: FUZZ_SEED=<n> to vary it): random
// bytes, invalid JSON and UTF-8, wrong types at random paths of valid callflows, deep nesting, huge
// bodies and strings, wrong content types, prototype-pollution and `$` keys, odd methods, broken
// URLs and tokens. None may get a 5xx; the ones that are certainly wrong must get a 4xx.
import { expect } from 'chai';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { startApi, type Harness } from './harness.ts';
import type { DeviceProvisioner } from '../../lib/devices/provisioner.ts';

const bundle = JSON.parse(readFileSync(new URL('../fixtures/api/kazoo-export.json', import.meta.url), 'utf8')) as Record<string, Array<Record<string, unknown>>>;

/** mulberry32: small, fast, seedable. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}

interface Case {
  what: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** true: the request is certainly wrong, so 4xx is required (otherwise only "no 5xx"). */
  bad: boolean;
}

/** A stub provisioner: the fuzz is about the API, not Asterisk. */
const devices: DeviceProvisioner = {
  push: async () => {},
  remove: async () => {},
  state: async () => ({ provisioned: true, registered: false }),
  pushAll: async () => ({ pushed: 0, removed: 0, failed: 0 }),
};

function paths(obj: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  out.push(prefix);
  if (obj && typeof obj === 'object') for (const [k, v] of Object.entries(obj)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(root: Record<string, unknown>, path: string[], value: unknown) {
  if (path.length === 0) return value;
  let cur: Record<string, unknown> = root;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[path[path.length - 1]] = value;
  return root;
}

describe('API: fuzzing with malformed requests', function () {
  this.timeout(180_000);
  let h: Harness;
  let base: string;
  let token: string;
  before(async () => {
    h = await startApi({ devices });
    const acct = await h.childAccount(h.masterId, 'Fuzz');
    base = `/v2/accounts/${acct.id}`;
    token = acct.token;
    const imported = await h.request('PUT', `${base}/import`, { token, json: { data: bundle } });
    expect(imported.body.data.summary.failed).to.equal(0);
  });
  after(async () => h?.close());

  it('answers 1,000 malformed requests without a single 5xx', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20240611);
    const r = prng(seed);
    const collections = Object.keys(bundle);
    const someId = (c: string) => String(r.pick(bundle[c]).id);
    const writeTargets = () => {
      const c = r.pick(collections);
      return r.pick([
        ['PUT', `${base}/${c}`],
        ['POST', `${base}/${c}`],
        ['POST', `${base}/${c}/${someId(c)}`],
        ['PATCH', `${base}/${c}/${someId(c)}`],
        ['PUT', `${base}/import`],
        ['PUT', '/v2/api_auth'],
        ['PUT', `${base}/callflows/${someId('callflows')}/numbers`],
        ['PUT', `${base}/callflows/${someId('callflows')}/duplicate`],
        ['PUT', `/v2/accounts/${base.split('/').pop()}`],
      ] as const);
    };
    const json = { 'Content-Type': 'application/json' };
    let n = 0;
    const validCallflow = (): Record<string, unknown> => {
      const { id: _id, ...cf } = structuredClone(r.pick(bundle.callflows));
      cf.numbers = [`8${String(n).padStart(4, '0')}`];
      delete cf.patterns;
      return cf;
    };
    const strange = (): unknown =>
      r.pick<() => unknown>([
        () => 'abc',
        () => -1,
        () => 1e308,
        () => 2 ** 53 + 1,
        () => null,
        () => [],
        () => [1, 'two', null],
        () => ({}),
        () => ({ nested: { deeper: [{}] } }),
        () => true,
        () => 'x'.repeat(r.int(100_000)),
        () => '\u0000\uffff\ud800',
        () => '💥'.repeat(50),
        () => ({ module: 'no_such_module' }),
        () => '{"json":"in a string"}',
      ])();

    const generators: Array<() => Case> = [
      () => {
        const [method, path] = writeTargets();
        return { what: 'random bytes', method, path, headers: json, body: r.bytes(r.int(2048) + 1), bad: true };
      },
      () => {
        const [method, path] = writeTargets();
        const valid = JSON.stringify({ data: validCallflow() });
        const cut = valid.slice(0, r.int(valid.length - 1));
        return { what: 'truncated JSON', method, path, headers: json, body: cut, bad: true };
      },
      () => {
        const [method, path] = writeTargets();
        return { what: 'invalid UTF-8', method, path, headers: json, body: Buffer.concat([Buffer.from('{"data":{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]), bad: true };
      },
      () => {
        const cf = validCallflow();
        const targets = paths(cf).filter((p) => p.length > 0);
        const path = r.pick(targets);
        setAt(cf, path, strange());
        const where = r.pick([`${base}/callflows`, `${base}/callflows/${someId('callflows')}`]);
        return { what: `wrong value at ${path.join('.')}`, method: where.endsWith('callflows') ? 'PUT' : 'POST', path: where, headers: json, body: JSON.stringify({ data: cf }), bad: false };
      },
      () => {
        const depth = 65 + r.int(5000);
        const open = r.pick(['[', '{"a":']);
        const close = open === '[' ? ']' : '}';
        const [method, path] = writeTargets();
        return { what: `nesting ${depth}`, method, path, headers: json, body: `{"data":{"x":${open.repeat(depth)}1${close.repeat(depth)}}}`, bad: true };
      },
      () => {
        const cf = validCallflow();
        let node = cf.flow as Record<string, unknown>;
        for (let i = 0; i < 70; i++) {
          const child = { module: 'answer', data: {} };
          node.children = { _: child };
          node = child;
        }
        return { what: 'flow 70 levels deep', method: 'PUT', path: `${base}/callflows`, headers: json, body: JSON.stringify({ data: cf }), bad: true };
      },
      () => {
        const [method, path] = writeTargets();
        return { what: 'body over 1 MiB', method, path: path.endsWith('import') ? `${base}/callflows` : path, headers: json, body: `{"data":{"name":"${'y'.repeat(1024 * 1024 + r.int(1000))}"}}`, bad: true };
      },
      () => {
        const [method, path] = writeTargets();
        const type = r.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/png', 'audio/wav']);
        return { what: `content type ${type}`, method, path, headers: { 'Content-Type': type }, body: JSON.stringify({ data: validCallflow() }), bad: true };
      },
      () => {
        const key = r.pick(['__proto__', 'constructor', 'prototype', '$where', '$set', 'a\u0000b']);
        const cf = validCallflow() as Record<string, unknown>;
        const targets = paths(cf).filter((p) => p.length > 0 && typeof p.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], cf) === 'object');
        const at = r.pick(targets.length ? targets : [['flow']]);
        const text = JSON.stringify({ data: cf }).replace(JSON.stringify(at[at.length - 1]) + ':{', `${JSON.stringify(at[at.length - 1])}:{${JSON.stringify(key)}:{"polluted":true},`);
        const body = text.includes(JSON.stringify(key)) ? text : `{"data":{${JSON.stringify(key)}:{"polluted":true},"name":"x"}}`;
        return { what: `key ${JSON.stringify(key)}`, method: 'PUT', path: `${base}/callflows`, headers: json, body, bad: true };
      },
      () => {
        const method = r.pick(['PROPFIND', 'MKCOL', 'LINK', 'PURGE', 'SEARCH', 'TRACE', 'COPY', 'LOCK', 'REPORT']);
        const path = r.pick([`${base}/callflows`, `${base}/callflows/${someId('callflows')}`, '/v2/api_auth', `${base}`, '/v2/nothing']);
        return { what: `method ${method}`, method, path, bad: true };
      },
      () => {
        const path = r.pick([
          `/v2/accounts/%ZZ/callflows`,
          `/v2/accounts/${'a'.repeat(5000)}/callflows`,
          `${base}/callflows/..%2f..%2fetc`,
          `${base}/callflows/${encodeURIComponent('<script>')}`,
          `${base}/callflows?page_size=-1`,
          `${base}/callflows?page_size=99999999`,
          `${base}/callflows?start_key=${r.bytes(20).toString('base64')}`,
          `${base}/callflows?filter_$ne=1`,
          `${base}/callflows?filter_a..b=1`,
          `${base}/users?created_from=yesterday`,
          `${base}/media/${someId('media')}/raw`,
          `${base}/export?collections=__proto__`,
          `/v2/accounts/${base.split('/').pop()}/descendants?start_key=%00`,
        ]);
        return { what: `url ${path.slice(0, 80)}`, method: 'GET', path, bad: true };
      },
      () => {
        const tok = r.pick(['', 'x', 'a'.repeat(64), r.bytes(32).toString('hex'), 'Bearer', 'z'.repeat(8000), '../../etc/passwd']);
        return { what: 'bad token', method: 'GET', path: `${base}/callflows`, headers: { 'X-Auth-Token': tok || 'none' }, bad: true };
      },
      () => {
        const [method, path] = writeTargets();
        const body = r.pick(['[]', '"data"', '42', 'null', '{"data":[]}', '{"data":"x"}', '{"data":null}', '{"data":7}', '{}', '', ' ']);
        // Some of these are fine where the envelope is optional (duplicate) or a list (import).
        const lenient = path.endsWith('/duplicate') || path.endsWith('/import');
        return { what: `envelope ${body || '(empty)'}`, method, path, headers: json, body, bad: !lenient };
      },
      () => {
        return { what: 'media garbage', method: 'POST', path: `${base}/media/${someId('media')}/raw`, headers: { 'Content-Type': r.pick(['audio/wav', 'audio/mpeg']) }, body: r.bytes(r.int(4000) + 1), bad: true };
      },
    ];

    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const url = new URL(h.url);
    const send = (c: Case) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: url.hostname, port: url.port, method: c.method, path: c.path, agent, headers: { 'X-Auth-Token': token, ...c.headers } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) => {
          // The server may close the connection after refusing a huge body early (413): that is fine.
          if (err.code === 'EPIPE' || err.code === 'ECONNRESET') resolve(413);
          else reject(err);
        });
        if (c.body !== undefined) req.end(c.body);
        else req.end();
      });

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (n = 0; n < 1000; n++) {
      const c = r.pick(generators)();
      const status = await send(c);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500 || status === 0 || (c.bad && (status < 400 || status >= 500))) {
        failures.push(`#${n} ${c.what}: ${c.method} ${c.path.slice(0, 100)} → ${status}`);
      }
    }
    agent.destroy();
    expect(failures, failures.slice(0, 20).join('\n')).to.deep.equal([]);
    expect([...statuses.keys()].every((s) => s < 500)).to.equal(true);
    // Still healthy, and nothing polluted.
    const ok = await h.request('GET', `${base}/callflows?paginate=false`, { token });
    expect(ok.status).to.equal(200);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect((Object.prototype as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
