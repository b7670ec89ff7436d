// The README's module table is the registry's: regenerate it with `npx tsx tools/modules-table.ts`.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { modulesTable } from '../tools/modules-table.ts';

describe('README', () => {
  it('lists every module with whether it runs on calls, as the registry says', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const m = /<!-- modules:begin -->\n([\s\S]*?)\n<!-- modules:end -->/.exec(readme);
    expect(m, 'README has the modules markers').to.not.equal(null);
    expect(m![1]).to.equal(modulesTable());
  });
});
