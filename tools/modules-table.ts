// The README's module table from the registry: `npx tsx tools/modules-table.ts` prints it, `--write` puts it
// into README.md between its markers.
// test/readme.test.ts fails when the README's copy differs, so the README says what works.
import { readFileSync, writeFileSync } from 'node:fs';
import { ARIFLOW_MODULES, registry } from '../callflows/index.ts';

export function modulesTable(): string {
  const defs = [...new Set(registry.values())].sort((a, b) => a.name.localeCompare(b.name));
  const rows = defs.map((d) => `| \`${d.name}\` | ${d.implemented ? 'yes' : 'validated, not run yet (goes to \`_\`)'} | ${d.summary.replace(/\|/g, '\\|')} |`);
  const done = defs.filter((d) => d.implemented).length;
  const own = defs.filter((d) => ARIFLOW_MODULES.includes(d.name)).length;
  return [
    `${done} of ${defs.length} modules run on calls (${defs.length - own} of Kazoo's and ${own} call-tracking modules of ariflow's own); the others are accepted, validated and stored, and the engine skips them to their \`_\` child.`,
    '',
    '| module | runs on calls | what it does |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--write')) {
    const file = new URL('../README.md', import.meta.url);
    const readme = readFileSync(file, 'utf8');
    const updated = readme.replace(/(<!-- modules:begin -->\n)[\s\S]*?(\n?<!-- modules:end -->)/, `$1${modulesTable()}\n<!-- modules:end -->`);
    writeFileSync(file, updated);
  } else {
    console.log(modulesTable());
  }
}
