// Linear step flows (lib/steps): the tree each step list compiles to, the paths errors are reported at,
// and the validation of callflow documents written as steps.
import { expect } from 'chai';
import { compileSteps, flowOfCallflow, stepNode, stepPathOf, withCompiledSteps, type PathMap, type Step } from '../../lib/steps/compile.ts';
import { stepListErrors } from '../../lib/steps/validate.ts';
import { validateCallflow } from '../../lib/validation/callflow.ts';
import type { ValidationResult } from '../../lib/validation/errors.ts';

const phone = (number: string) => ({ type: 'phone', number });

describe('steps: compiling a step list into a tree', () => {
  const table: Array<[string, Step, { module: string; data: Record<string, unknown> }]> = [
    ['greeting say → tts', { type: 'greeting', data: { say: 'Hello', voice: 'male' } }, { module: 'tts', data: { text: 'Hello', voice: 'male' } }],
    ['greeting play → play', { type: 'greeting', data: { play: 'beep' } }, { module: 'play', data: { id: 'beep' } }],
    ['forward number → direct dial', { type: 'forward', data: { number: '+15551230000', timeout: 20 } }, { module: 'dial', data: { timeout: 20, recipients: [phone('+15551230000')], connection: 'direct' } }],
    ['forward device with extension', { type: 'forward', data: { device_id: 'd1', extension: '12' } }, { module: 'dial', data: { recipients: [{ type: 'sip', device_id: 'd1', extension: '12' }], connection: 'direct' } }],
    ['forward uri', { type: 'forward', data: { uri: 'sip:a@b.c' } }, { module: 'dial', data: { recipients: [{ type: 'sip', uri: 'sip:a@b.c' }], connection: 'direct' } }],
    ['forward recipients kept', { type: 'forward', data: { recipients: [phone('+1555')] } }, { module: 'dial', data: { recipients: [phone('+1555')], connection: 'direct' } }],
    [
      'forward with a post-call flow for the recipient',
      { type: 'forward', data: { number: '+1555', post_call: 'cf1', post_call_key: '*', post_call_for: 'recipient' } },
      { module: 'dial', data: { post_call: 'cf1', post_call_key: '*', post_call_for: 'recipient', recipients: [phone('+1555')], connection: 'direct' } },
    ],
    ['multi_ring → dial multi_ring', { type: 'multi_ring', data: { recipients: [phone('+1555')], screen: true } }, { module: 'dial', data: { recipients: [phone('+1555')], screen: true, connection: 'multi_ring' } }],
    ['round_robin → dial round_robin', { type: 'round_robin', data: { recipients: [] } }, { module: 'dial', data: { recipients: [], connection: 'round_robin' } }],
    ['voicemail → voicemail', { type: 'voicemail', data: { id: 'box' } }, { module: 'voicemail', data: { id: 'box' } }],
    ['ivr → menu', { type: 'ivr', data: { id: 'm' } }, { module: 'menu', data: { id: 'm' } }],
    ['schedule → temporal_route', { type: 'schedule', data: { rules: ['r1'] } }, { module: 'temporal_route', data: { rules: ['r1'] } }],
    ['zip_route passes through', { type: 'zip_route', data: { anything: 1 } }, { module: 'zip_route', data: { anything: 1 } }],
    ['tag_route passes through', { type: 'tag_route' }, { module: 'tag_route', data: {} }],
    ['rtb passes through', { type: 'rtb', data: { buyers: [] } }, { module: 'rtb', data: { buyers: [] } }],
    ['responsive_route passes through', { type: 'responsive_route', data: { x: 'y' } }, { module: 'responsive_route', data: { x: 'y' } }],
  ];
  for (const [what, step, expected] of table) {
    it(what, () => expect(stepNode(step)).to.deep.equal(expected));
  }

  it('chains steps through `_` and keeps branches as children', () => {
    const steps: Step[] = [
      { type: 'greeting', data: { play: 'beep' } },
      { type: 'ivr', data: { id: 'm' }, branches: { '1': [{ type: 'voicemail', data: { id: 'v1' } }], '2': [] } },
      { type: 'forward', data: { number: '+15551230000' } },
    ];
    const paths: PathMap = [];
    expect(compileSteps(steps, paths)).to.deep.equal({
      module: 'play',
      data: { id: 'beep' },
      children: {
        _: {
          module: 'menu',
          data: { id: 'm' },
          children: {
            '1': { module: 'voicemail', data: { id: 'v1' } },
            '2': {},
            _: { module: 'dial', data: { recipients: [phone('+15551230000')], connection: 'direct' } },
          },
        },
      },
    });
    expect(paths.map((p) => [p.node, p.step])).to.deep.equal([
      ['flow', 'steps.0'],
      ['flow.children._', 'steps.1'],
      ['flow.children._.children.1', 'steps.1.branches.1.0'],
      ['flow.children._.children._', 'steps.2'],
    ]);
  });

  it('an empty list compiles to nothing; `_` branches are ignored', () => {
    expect(compileSteps([])).to.equal(undefined);
    expect(compileSteps([{ type: 'voicemail', data: { id: 'v' }, branches: { _: [{ type: 'greeting', data: { say: 'x' } }] } }])).to.deep.equal({ module: 'voicemail', data: { id: 'v' } });
  });

  const pathTable: Array<[string, string]> = [
    ['flow.data.recipients', 'steps.0.data.recipients'],
    ['flow.children._.data.timeout', 'steps.1.data.timeout'],
    ['flow.children._.children.1.data.id', 'steps.1.branches.1.0.data.id'],
    ['flow.children._.children._.children._.data.text', 'steps.3.data.say'],
    ['flow', 'steps.0'],
    ['numbers', 'numbers'],
  ];
  const paths: PathMap = [];
  compileSteps(
    [
      { type: 'forward', data: {} },
      { type: 'ivr', data: {}, branches: { '1': [{ type: 'voicemail' }] } },
      { type: 'voicemail' },
      { type: 'greeting', data: { say: 'x' } },
    ],
    paths,
  );
  for (const [from, to] of pathTable) it(`error path ${from} → ${to}`, () => expect(stepPathOf(from, paths)).to.equal(to));

  it('flowOfCallflow / withCompiledSteps: flow wins, steps compile, neither → undefined', () => {
    const flow = { module: 'noop' };
    expect(flowOfCallflow({ flow })).to.equal(flow);
    expect(flowOfCallflow({ steps: [{ type: 'voicemail', data: { id: 'v' } }] })).to.deep.equal({ module: 'voicemail', data: { id: 'v' } });
    expect(flowOfCallflow({})).to.equal(undefined);
    const doc = { _id: 'x', steps: [{ type: 'greeting', data: { play: 'beep' } }] };
    expect(withCompiledSteps(doc)).to.deep.equal({ ...doc, flow: { module: 'play', data: { id: 'beep' } } });
    expect(doc).to.not.have.property('flow');
  });
});

describe('steps: validating callflows written as steps', () => {
  const errors = (r: ValidationResult) => (r.ok ? {} : r.errors);
  const cf = (steps: unknown, extra: Record<string, unknown> = {}) => ({ name: 's', numbers: ['1000'], steps, ...extra });

  it('accepts a well-formed step list', () => {
    const r = validateCallflow(
      cf([
        { type: 'greeting', data: { say: 'Thanks for calling' } },
        { type: 'multi_ring', data: { recipients: [phone('+15551230001'), { type: 'sip', device_id: 'dev1' }], screen: true, whisper: { say: 'Google Ads call' } } },
        { type: 'round_robin', data: { recipients: [phone('+15551230001'), phone('+15551230002')] } },
        { type: 'ivr', data: { id: 'menu1' }, branches: { '1': [{ type: 'voicemail', data: { id: 'box1' } }] } },
        { type: 'voicemail', data: { id: 'box1' } },
      ]),
    );
    expect(r, JSON.stringify(r)).to.deep.equal({ ok: true });
  });

  const bad: Array<[string, unknown, Record<string, unknown>, string, string]> = [
    ['an unknown step type', [{ type: 'teleport' }], {}, 'steps.0.type', 'enum'],
    ['an empty list', [], {}, 'steps', 'minItems'],
    ['steps that are not a list', { type: 'greeting' }, {}, 'steps', 'type'],
    ['a greeting with neither say nor play', [{ type: 'greeting', data: {} }], {}, 'steps.0.data', 'required'],
    ['a greeting with both', [{ type: 'greeting', data: { say: 'a', play: 'beep' } }], {}, 'steps.0.data', 'required'],
    ['a branch named `_`', [{ type: 'ivr', data: { id: 'm' }, branches: { _: [] } }], {}, 'steps.0.branches._', 'enum'],
    ['a forward without a recipient', [{ type: 'forward', data: { timeout: 10 } }], {}, 'steps.0.data.recipients', 'required'],
    ['a bad timeout in the second step', [{ type: 'greeting', data: { play: 'beep' } }, { type: 'multi_ring', data: { recipients: [phone('+15551230001')], timeout: 0 } }], {}, 'steps.1.data.timeout', 'minimum'],
    ['a bad step inside a branch', [{ type: 'ivr', data: { id: 'm' }, branches: { '1': [{ type: 'nope' }] } }], {}, 'steps.0.branches.1.0.type', 'enum'],
    ['both flow and steps', [{ type: 'voicemail', data: { id: 'v' } }], { flow: { module: 'noop' } }, 'steps', 'exclusive'],
    ['no numbers (document fields still checked)', [{ type: 'teleport' }], { numbers: [] }, 'numbers', 'required'],
  ];
  for (const [what, steps, extra, path, rule] of bad) {
    it(`refuses ${what}: ${path} ${rule}`, () => {
      const e = errors(validateCallflow(cf(steps, extra)));
      expect(e, JSON.stringify(e)).to.have.property(path);
      expect(e[path]).to.have.property(rule);
    });
  }

  it('refuses branches nested too deep', () => {
    let list: unknown[] = [{ type: 'voicemail' }];
    for (let i = 0; i < 10; i++) list = [{ type: 'ivr', branches: { '1': list } }];
    const e = stepListErrors(list);
    expect(Object.values(e).some((rules) => 'maxDepth' in rules), JSON.stringify(e)).to.equal(true);
  });
});
