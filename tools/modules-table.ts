// Prints the README's module table from the registry: `npx tsx tools/modules-table.ts`.
// test/readme.test.ts fails when the README's copy differs, so the README says what works.
import { registry } from '../callflows/index.ts';

export function modulesTable(): string {
  const defs = [...new Set(registry.values())].sort((a, b) => a.name.localeCompare(b.name));
  const rows = defs.map((d) => `| \`${d.name}\` | ${d.implemented ? 'yes' : 'validated, not run yet (goes to \`_\`)'} | ${d.summary.replace(/\|/g, '\\|')} |`);
  const done = defs.filter((d) => d.implemented).length;
  return [
    `${done} of ${defs.length} Kazoo modules run on calls; the others are accepted, validated and stored, and the engine skips them to their \`_\` child.`,
    '',
    '| module | runs on calls | what it does |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(modulesTable());
