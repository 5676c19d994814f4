import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/review/registry.js';
import { ruleDocPage, ruleIndexPage } from '../../src/review/rule-docs.js';

const docs = join(import.meta.dirname, '..', '..', 'docs', 'rules');

describe('docs/rules', () => {
  it.each(allRules.map((rule) => [rule.meta.id, rule] as const))(
    '%s.md matches the rule (run `npm run docs:rules`)',
    (id, rule) => {
      expect(readFileSync(join(docs, `${id}.md`), 'utf8')).toBe(ruleDocPage(rule));
    },
  );

  it('README.md lists every rule', () => {
    expect(readFileSync(join(docs, 'README.md'), 'utf8')).toBe(ruleIndexPage(allRules));
  });
});
