import { expect } from 'chai';
import { moduleNames } from '../../callflows/index.ts';
import { validateCallflow, validateFlow } from '../../lib/validation/callflow.ts';
import type { ValidationErrors, ValidationResult } from '../../lib/validation/errors.ts';
import { walkFlow } from '../../lib/validation/flow-walk.ts';
import { fixtureText, loadFixture, type Doc } from './fixtures.ts';

type Node = { module?: unknown; data?: Record<string, unknown>; children?: Record<string, Node> };

function errorsOf(result: ValidationResult): ValidationErrors {
  expect(result.ok, 'expected validation to fail').to.equal(false);
  return result.ok ? {} : result.errors;
}

function expectOk(result: ValidationResult): void {
  expect(result, JSON.stringify(result)).to.deep.equal({ ok: true });
}

const doc = (flow: unknown, extra: Doc = {}): Doc => ({ name: 'test', numbers: ['1000'], flow, ...extra });

/** A chain of `depth` nodes linked through `_`. */
function chain(depth: number): Node {
  let node: Node = { module: 'skel', data: {} };
  for (let i = 1; i < depth; i += 1) node = { module: 'skel', data: {}, children: { _: node } };
  return node;
}

describe('callflow documents', () => {
  describe('the hand-written Kazoo-shaped fixtures', () => {
    const callflows = loadFixture('callflows.json');

    for (const cf of callflows) {
      it(`${String(cf.name)} is valid`, () => expectOk(validateCallflow(cf)));
    }

    it('use every module at least once (a valid example of each module’s data)', () => {
      const used = new Set<string>();
      for (const cf of callflows) {
        for (const ev of walkFlow(cf.flow)) {
          if (ev.kind === 'node') used.add(String((ev.node as Node).module));
        }
      }
      expect([...used].sort()).to.deep.equal(moduleNames());
    });

    it('are left exactly as given, key order included (store what was given)', () => {
      // Compared with the parsed text, not the file: JSON.parse itself moves integer-like keys
      // ("0", "1", "300"…) first, which is the store's concern, not validation's.
      const docs = JSON.parse(fixtureText('callflows.json')) as Doc[];
      const before = JSON.stringify(docs);
      for (const cf of docs) validateCallflow(cf);
      expect(JSON.stringify(docs)).to.equal(before);
    });
  });

  describe('legacy UI data (integers and booleans written as strings)', () => {
    const legacy = loadFixture<{ callflows: Doc[] }>('legacy-kazoo-ui.json');

    for (const cf of legacy.callflows) {
      it(`${String(cf.name)} is valid and stays string-typed`, () => {
        const before = JSON.stringify(cf);
        expectOk(validateCallflow(cf));
        expect(JSON.stringify(cf)).to.equal(before);
      });
    }

    it('still checks ranges on string integers', () => {
      const cf = doc({ module: 'ring_group', data: { endpoints: [{ id: 'd1' }], repeats: '0' } });
      expect(errorsOf(validateCallflow(cf))['flow.data.repeats'].minimum).to.include({ value: '0' });
    });
  });

  it('preserves unknown fields anywhere (document, node, data) and accepts them', () => {
    const cf = {
      _id: '51000000000000000000000000000099',
      _rev: '7-0a1b2c3d4e5f',
      pvt_type: 'callflow',
      pvt_created: 63850000000,
      pvt_account_id: 'a0000000000000000000000000000001',
      name: 'dump',
      numbers: ['1099'],
      ui_is_main_number_cf: false,
      contact_list: { exclude: true },
      something_new: { nested: [1, 2, 3] },
      flow: { module: 'play', data: { id: 'x', ui_metadata: { name: 'hi' } }, children: {}, remote_execution: false, note: 'kept' },
    };
    const before = JSON.stringify(cf);
    expectOk(validateCallflow(cf));
    expect(JSON.stringify(cf)).to.equal(before);
  });

  describe('errors are keyed by the failing field', () => {
    const table: Array<[title: string, document: Doc, key: string, rule: string, value?: unknown]> = [
      ['root data type', doc({ module: 'user', data: { timeout: 'abc' } }), 'flow.data.timeout', 'type', 'abc'],
      [
        'child data type',
        doc({ module: 'menu', data: {}, children: { _: { module: 'user', data: { timeout: 'abc' } } } }),
        'flow.children._.data.timeout',
        'type',
        'abc',
      ],
      [
        'grandchild data',
        doc({ module: 'menu', data: {}, children: { '1': { module: 'skel', data: {}, children: { _: { module: 'sleep', data: { x: 1, unit: 'week' } } } } } }),
        'flow.children.1.children._.data.unit',
        'enum',
        'week',
      ],
      [
        'required field deep down',
        doc({ module: 'temporal_route', data: {}, children: { f1: { module: 'ring_group', data: { endpoints: [{ delay: 1 }] } } } }),
        'flow.children.f1.data.endpoints.0.id',
        'required',
      ],
      ['unknown module at the root', doc({ module: 'set_cav', data: {} }), 'flow.module', 'enum', 'set_cav'],
      [
        'unknown module in a child',
        doc({ module: 'skel', data: {}, children: { _: { module: 'check_voicemail', data: {} } } }),
        'flow.children._.module',
        'enum',
        'check_voicemail',
      ],
      ['missing module', doc({ data: {} }), 'flow.module', 'required'],
      ['module not a string', doc({ module: 7, data: {} }), 'flow.module', 'type', 7],
      ['empty module name', doc({ module: '', data: {} }), 'flow.module', 'minLength', ''],
      ['data not an object', doc({ module: 'skel', data: 'x' }), 'flow.data', 'type', 'x'],
      ['children not an object', doc({ module: 'skel', data: {}, children: [] }), 'flow.children', 'type'],
      ['child not an object', doc({ module: 'skel', data: {}, children: { _: 'hangup' } }), 'flow.children._', 'type', 'hangup'],
      ['child without module', doc({ module: 'skel', data: {}, children: { _: { data: {} } } }), 'flow.children._.module', 'required'],
      ['remote_execution not boolean', doc({ module: 'skel', data: {}, remote_execution: 'sometimes' }), 'flow.remote_execution', 'type'],
      ['flow missing', { name: 'x', numbers: ['1'] }, 'flow', 'required'],
      ['flow not an object', doc('user'), 'flow', 'type', 'user'],
      ['no number and no pattern', doc({ module: 'skel', data: {} }, { numbers: [] }), 'numbers', 'required'],
      ['numbers not an array', doc({ module: 'skel', data: {} }, { numbers: '2001' }), 'numbers', 'type', '2001'],
      ['duplicate numbers', doc({ module: 'skel', data: {} }, { numbers: ['2001', '2001'] }), 'numbers', 'uniqueItems'],
      ['number too long', doc({ module: 'skel', data: {} }, { numbers: ['1'.repeat(37)] }), 'numbers.0', 'maxLength'],
      ['empty number', doc({ module: 'skel', data: {} }, { numbers: ['2001', ''] }), 'numbers.1', 'minLength', ''],
      ['number not a string', doc({ module: 'skel', data: {} }, { numbers: [2001] }), 'numbers.0', 'type', 2001],
      ['invalid regex pattern', doc({ module: 'skel', data: {} }, { numbers: [], patterns: ['^\\*97(\\d+$'] }), 'patterns.0', 'format', '^\\*97(\\d+$'],
      ['pattern JS would misread', doc({ module: 'skel', data: {} }, { patterns: ['^\\*97$', '^(?>2)\\d+$'] }), 'patterns.1', 'format'],
      ['empty pattern', doc({ module: 'skel', data: {} }, { patterns: [''] }), 'patterns.0', 'minLength'],
      ['featurecode number type', doc({ module: 'skel', data: {} }, { featurecode: { name: 'x', number: 72 } }), 'featurecode.number', 'type', 72],
      ['ringback media type', doc({ module: 'skel', data: {} }, { ringback: { early: false } }), 'ringback.early', 'type', false],
      ['name type', doc({ module: 'skel', data: {} }, { name: ['x'] }), 'name', 'type'],
    ];
    for (const [title, document, key, rule, value] of table) {
      it(`${title} → ${key} / ${rule}`, () => {
        const errors = errorsOf(validateCallflow(document));
        expect(errors, JSON.stringify(errors)).to.have.property(key).that.has.property(rule);
        expect(errors[key][rule].message).to.be.a('string').and.not.equal('');
        if (value !== undefined) expect(errors[key][rule].value).to.deep.equal(value);
      });
    }

    it('uses the exact Crossbar shape', () => {
      const cf = doc({ module: 'menu', data: { id: 'm' }, children: { _: { module: 'user', data: { id: 'u', timeout: 'abc' } } } });
      expect(validateCallflow(cf)).to.deep.equal({
        ok: false,
        errors: { 'flow.children._.data.timeout': { type: { message: 'must be an integer', value: 'abc', target: 'integer' } } },
      });
    });

    it('names the unknown module in the message', () => {
      const errors = errorsOf(validateCallflow(doc({ module: 'dnd', data: {} })));
      expect(errors['flow.module'].enum.message).to.contain('"dnd"');
    });

    it('reports every failing node, not just the first', () => {
      const cf = doc({
        module: 'menu',
        data: { id: 5 },
        children: { '1': { module: 'nope', data: {} }, '2': { module: 'tts', data: {} }, _: { module: 'sleep', data: { duration: -1 } } },
      });
      expect(Object.keys(errorsOf(validateCallflow(cf))).sort()).to.deep.equal(
        ['flow.children.1.module', 'flow.children.2.data.text', 'flow.children._.data.duration', 'flow.data.id'].sort(),
      );
    });

    it('validates modules that are known but not implemented yet like any other', () => {
      const errors = errorsOf(validateCallflow(doc({ module: 'pivot', data: {} })));
      expect(errors).to.have.property('flow.data.voice_url');
      expect(errors).not.to.have.property('flow.module');
    });
  });

  it('accepts the empty child node `{}` (end of flow) and nodes without data', () => {
    expectOk(validateCallflow(doc({ module: 'skel', children: { _: {}, '1': { module: 'hangup' } } })));
    expect(errorsOf(validateCallflow(doc({})))).to.have.property('flow.module');
  });

  it('accepts patterns only, numbers only, both, and PCRE-only spellings', () => {
    const flow = { module: 'skel', data: {} };
    expectOk(validateCallflow({ patterns: ['^\\*97([0-9]*)$'], flow }));
    expectOk(validateCallflow({ numbers: ['no_match'], flow }));
    expectOk(validateCallflow({ numbers: ['2001'], patterns: ['^(?P<ext>2\\d{3})$', '\\A\\*5\\z'], flow }));
  });

  describe('size bounds', () => {
    it('accepts a flow exactly 64 levels deep and refuses 65', () => {
      expectOk(validateCallflow(doc(chain(64))));
      const errors = errorsOf(validateCallflow(doc(chain(65))));
      expect(errors).to.deep.equal({ flow: { maxDepth: { message: 'the flow is nested more than 64 levels deep', target: 64 } } });
    });

    it('refuses more than 2,000 nodes', () => {
      const wide = (n: number): Node => ({
        module: 'menu',
        data: {},
        children: Object.fromEntries(Array.from({ length: n - 1 }, (_, i) => [String(i), { module: 'skel', data: {} }])),
      });
      expectOk(validateCallflow(doc(wide(2000))));
      expect(errorsOf(validateCallflow(doc(wide(2001)))).flow.maxNodes.target).to.equal(2000);
    });

    it('survives a 100,000-level tree without exhausting the stack', function () {
      this.timeout(10_000);
      let text = '{"module":"skel","data":{}}';
      for (let i = 0; i < 100_000; i += 1) text = `{"module":"skel","data":{},"children":{"_":${text}}}`;
      const started = Date.now();
      const errors = errorsOf(validateCallflow(doc(JSON.parse(text))));
      expect(Object.keys(errors)).to.deep.equal(['flow']);
      expect(Date.now() - started).to.be.lessThan(2000);
    });

    it('takes custom limits', () => {
      expect(errorsOf(validateCallflow(doc(chain(3)), { maxDepth: 2, maxNodes: 10 })).flow).to.have.property('maxDepth');
      expect(errorsOf(validateCallflow(doc(chain(3)), { maxDepth: 10, maxNodes: 2 })).flow).to.have.property('maxNodes');
    });
  });

  it('refuses data nested deeper than 100 levels instead of crashing', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 50_000; i += 1) deep = { x: deep };
    const errors = errorsOf(validateCallflow(doc({ module: 'set', data: { skills: deep } }, { metadata: deep })));
    expect(errors['flow.data.skills'].maxDepth).to.deep.equal({ message: 'nested more than 100 levels deep', target: 100 });
    expect(errors.metadata.maxDepth.target).to.equal(100);
  });

  describe('hostile keys', () => {
    const hostile = `{
      "numbers": ["1000"],
      "__proto__": {"polluted": "doc"},
      "constructor": {"prototype": {"polluted": "doc"}},
      "flow": {
        "module": "user",
        "data": {"id": "u", "__proto__": {"timeout": "x", "polluted": "data"}, "constructor": {"prototype": {"polluted": "data"}}},
        "children": {
          "__proto__": {"module": "skel", "data": {"__proto__": {"polluted": "child"}}},
          "constructor": {"module": "constructor", "data": {}},
          "toString": {"module": "hangup", "data": {}},
          "_": {"module": "__proto__", "data": {}}
        }
      }
    }`;

    it('neither crash nor pollute Object.prototype, and are validated as plain keys', () => {
      const result = validateCallflow(JSON.parse(hostile));
      const polluted = ({} as Record<string, unknown>).polluted;
      expect(polluted).to.equal(undefined);
      expect(Object.prototype).not.to.have.property('timeout');
      const errors = errorsOf(result);
      expect(Object.keys(errors).sort()).to.deep.equal(['flow.children._.module', 'flow.children.constructor.module']);
      expect(errors['flow.children.constructor.module'].enum.value).to.equal('constructor');
      expect(errors['flow.children._.module'].enum.value).to.equal('__proto__');
    });

    it('report errors under a "__proto__" path as an own key', () => {
      const cf = JSON.parse('{"numbers":["1"],"flow":{"module":"skel","data":{},"children":{"__proto__":{"module":"sleep","data":{"duration":-1}}}}}');
      const errors = errorsOf(validateCallflow(cf));
      expect(Object.keys(errors)).to.deep.equal(['flow.children.__proto__.data.duration']);
      expect(({} as Record<string, unknown>).duration).to.equal(undefined);
    });
  });

  describe('validateFlow (a bare node, e.g. a Pivot response)', () => {
    it('accepts a valid node and keys errors from the root', () => {
      const node = { module: 'tts', data: { text: 'Enter your PIN' }, children: { _: { module: 'collect_dtmf', data: { max_digits: '4' } } } };
      expectOk(validateFlow(node));
      const bad = { module: 'tts', data: {}, children: { _: { module: 'pivot', data: { voice_url: 'gopher://x' } } } };
      expect(Object.keys(errorsOf(validateFlow(bad))).sort()).to.deep.equal(['children._.data.voice_url', 'data.text']);
      expect(Object.keys(errorsOf(validateFlow(bad, 'flow'))).sort()).to.deep.equal(['flow.children._.data.voice_url', 'flow.data.text']);
    });

    it('refuses a whole callflow document given as a node', () => {
      expect(errorsOf(validateFlow({ numbers: ['1'], flow: { module: 'skel', data: {} } }))).to.have.property('module');
    });
  });
});
