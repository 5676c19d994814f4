/** Writes docs/rules/<category>/<slug>.md and docs/rules/README.md from the rules' meta. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allRules } from '../src/review/registry.js';
import { ruleDocPage, ruleIndexPage } from '../src/review/rule-docs.js';

const docs = join(import.meta.dirname, '..', 'docs', 'rules');
for (const rule of allRules) {
  const file = join(docs, `${rule.meta.id}.md`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, ruleDocPage(rule));
}
writeFileSync(join(docs, 'README.md'), ruleIndexPage(allRules));
console.log(`wrote ${allRules.length} rule pages and docs/rules/README.md`);
