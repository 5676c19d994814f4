import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/review/registry.js';
import { reviewFixture, reviewFixtures } from './harness.js';

const docs = join(import.meta.dirname, '..', '..', 'docs', 'rules');

function fixtures(ruleId: string, kind: 'valid' | 'invalid'): string[] {
  const dir = join(reviewFixtures, ruleId, kind);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml') && !f.endsWith('.config.yaml'))
        .map((f) => join(dir, f))
    : [];
}

/** Reported by the review itself when a rule throws: tested with a throwing rule in review-project.test.ts. */
const withoutFixtures = new Set(['review/rule-error']);

describe.each(allRules.map((rule) => [rule.meta.id, rule] as const))('%s', (id, rule) => {
  it('has a doc page with ❌ and ✅ examples, fixtures both ways, and complete meta', () => {
    const page = join(docs, `${id}.md`);
    expect(existsSync(page), `docs/rules/${id}.md`).toBe(true);
    const text = readFileSync(page, 'utf8');
    expect(text).toContain('❌');
    expect(text).toContain('✅');
    expect(text).toContain(`\`${id}\``);
    if (!withoutFixtures.has(id)) {
      expect(fixtures(id, 'invalid').length, 'invalid fixtures').toBeGreaterThan(0);
      expect(fixtures(id, 'valid').length, 'valid fixtures').toBeGreaterThan(0);
    }
    expect(rule.meta.id).toMatch(/^[a-z]+\/[a-z]+(-[a-z]+)*$/);
    expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
    expect(rule.meta.remediation.summary).not.toBe('');
  });

  it.each(fixtures(id, 'invalid').map((f) => [f.slice(reviewFixtures.length + 1), f]))(
    'fires on %s',
    (_name, file) => {
      const { findings, header, primaryFile, configFile } = reviewFixture(file);
      expect(header.expect.length, 'an invalid fixture states `# expect: line:column`').toBeGreaterThan(0);
      const where = (inConfig: boolean) => (inConfig && configFile !== primaryFile ? 'config ' : '');
      const mine = findings
        .filter((f) => f.ruleId === id)
        .map((f) => `${where(f.file !== primaryFile)}${f.line}:${f.column}`);
      expect(mine.sort()).toEqual(
        header.expect.map((e) => `${where(e.inConfig)}${e.line}:${e.column}`).sort(),
      );
    },
  );

  it.each(fixtures(id, 'valid').map((f) => [f.slice(reviewFixtures.length + 1), f]))(
    'stays quiet on %s',
    (_name, file) => {
      const { findings } = reviewFixture(file);
      expect(findings.filter((f) => f.ruleId === id)).toEqual([]);
    },
  );
});

describe('the clean fixtures', () => {
  it('clean-workflow.yaml with base-config.yaml has no finding at all', () => {
    const { findings } = reviewFixture(join(reviewFixtures, 'clean-workflow.yaml'));
    expect(findings).toEqual([]);
  });
});
