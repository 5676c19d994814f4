import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/review/registry.js';
import { readHeader, reviewFixtures } from '../review/harness.js';
import { runCli } from '../helpers/run-cli.js';

const root = join(import.meta.dirname, '..', '..');

/** Every flawed fixture of the rule catalog, through the command line as a user runs it. */
const cases = allRules
  .filter((rule) => !rule.meta.needsHistory && rule.meta.id !== 'review/rule-error')
  .flatMap((rule) => {
    const dir = join(reviewFixtures, rule.meta.id, 'invalid');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml') && !f.endsWith('.config.yaml'))
      .map((f) => ({ ruleId: rule.meta.id, file: join(dir, f) }));
  });

describe('rectify review on each flawed fixture of the catalog', () => {
  it('covers every rule that runs in the CLI', () => {
    expect(new Set(cases.map((c) => c.ruleId)).size).toBeGreaterThanOrEqual(allRules.length - 2);
  });

  it.each(cases.map((c) => [relative(reviewFixtures, c.file), c] as const))(
    '%s exits 1 naming its rule',
    async (_name, { ruleId, file }) => {
      const text = readFileSync(file, 'utf8');
      const header = readHeader(text, file);
      const isConfig = /^kind: Config$/m.test(text);
      const paths = [file];
      if (isConfig) paths.push(join(reviewFixtures, 'clean-workflow.yaml'));
      else if (header.config) paths.push(header.config);
      // Every finding blocks at this gate, so exit 1 says the rule's finding was made.
      const run = await runCli(
        [
          'review',
          '--format',
          'json',
          '--fail-on',
          'info',
          '--min-confidence',
          'low',
          '--today',
          header.today,
          ...paths.map((p) => relative(root, p)),
        ],
        { cwd: root },
      );
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as { findings: { ruleId: string; blocking: boolean }[] };
      expect(report.findings.filter((f) => f.blocking).map((f) => f.ruleId)).toContain(ruleId);
    },
  );
});
