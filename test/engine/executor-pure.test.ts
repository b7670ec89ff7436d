import { expect } from 'chai';
import { pickChild, summarizeData } from '../../lib/engine/executor.ts';
import type { CallflowNode } from '../../lib/engine/module.ts';

describe('executor child selection', () => {
  // An empty child `{}` is Kazoo's end of flow: stored documents may hold one.
  const node = { module: 'menu', children: { '1': { module: 'play' }, _: { module: 'hangup' }, empty: {} } } as unknown as CallflowNode;
  it('takes the named child', () => expect(pickChild(node, '1')).to.deep.equal({ node: { module: 'play' }, key: '1' }));
  it('falls back to _', () => expect(pickChild(node, '7').key).to.equal('_'));
  it('ends the branch at an empty child instead of falling back to _', () => expect(pickChild(node, 'empty')).to.deep.equal({ key: 'empty' }));
  it('has nothing without _', () => expect(pickChild({ module: 'x', children: { '1': { module: 'y' } } }, '2')).to.deep.equal({}));
  it('ignores inherited keys', () => expect(pickChild({ module: 'x', children: {} }, 'constructor')).to.deep.equal({}));
});

describe('trace data summary', () => {
  it('hides secrets and truncates', () => {
    const s = summarizeData({ pin: '1234', interdigit: 3, long: 'x'.repeat(500) });
    expect(s).to.contain('"pin":"***"').and.not.contain('1234');
    expect(s.length).to.equal(200);
  });
});
