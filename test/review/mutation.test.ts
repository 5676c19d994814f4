import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument, type Document } from 'yaml';
import { loadDocument, type LoadResult } from '../../src/core/loader/load-document.js';
import { allRules } from '../../src/review/registry.js';
import { reviewProject } from '../../src/review/review-project.js';
import { catalog, inputOf, reviewFixtures } from './harness.js';
import { accessMutations } from './mutations/access.js';
import { changeMutations } from './mutations/change.js';
import { injectionMutations } from './mutations/injection.js';
import type { Mutation } from './mutations/mutation.js';
import { observabilityMutations } from './mutations/observability.js';
import { resilienceMutations } from './mutations/resilience.js';
import { secretsMutations } from './mutations/secrets.js';
import { triggerMutations } from './mutations/trigger.js';

const mutations: readonly Mutation[] = [
  ...triggerMutations,
  ...accessMutations,
  ...observabilityMutations,
  ...resilienceMutations,
  ...changeMutations,
  ...injectionMutations,
  ...secretsMutations,
];
const today = '2026-11-27';
const root = join(import.meta.dirname, '..', '..');

/** Clean starting points: every example workflow with the examples' config, and the clean fixture. */
function bases(): { name: string; workflow: string; config: string; tests: string | undefined }[] {
  const examples = join(root, 'examples', 'workflows');
  const fromExamples = readdirSync(examples)
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'))
    .map((f) => ({
      name: `examples/${f}`,
      workflow: join(examples, f),
      config: join(root, 'examples', 'rectify.yaml'),
      tests: join(examples, f.replace(/\.yaml$/, '.test.yaml')),
    }));
  return [
    ...fromExamples,
    {
      name: 'fixtures/clean-workflow.yaml',
      workflow: join(reviewFixtures, 'clean-workflow.yaml'),
      config: join(reviewFixtures, 'base-config.yaml'),
      tests: join(reviewFixtures, 'clean-workflow.test.yaml'),
    },
  ];
}

function loaded(file: string, doc: Document): LoadResult {
  const result = loadDocument(file, doc.toString(), { catalog });
  if (!result.document)
    throw new Error(
      `the mutated ${file} does not load: ${result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')}`,
    );
  return result;
}

const tally = new Map<string, { applied: number; fired: number }>();

describe('mutation recall: each known flaw makes its rule fire', () => {
  for (const base of bases()) {
    for (const mutation of mutations) {
      it(`${mutation.rule} — ${mutation.name} — on ${base.name}`, () => {
        const workflow = parseDocument(readFileSync(base.workflow, 'utf8'));
        const config = parseDocument(readFileSync(base.config, 'utf8'));
        const tests = base.tests ? parseDocument(readFileSync(base.tests, 'utf8')) : undefined;
        if (!mutation.apply({ workflow, config, tests, today })) return;
        const results = [
          loaded(base.workflow, workflow),
          loaded(base.config, config),
          ...(tests ? [loaded(base.tests ?? '', tests)] : []),
        ];
        const { findings } = reviewProject(inputOf(results), { catalog, today });
        const entry = tally.get(mutation.rule) ?? { applied: 0, fired: 0 };
        entry.applied++;
        const fired = findings.some((f) => f.ruleId === mutation.rule && !f.suppression);
        if (fired) entry.fired++;
        tally.set(mutation.rule, entry);
        expect(fired, `${mutation.rule} should fire after "${mutation.name}"`).toBe(true);
      });
    }
  }

  afterAll(() => {
    const rows = [...tally.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([rule, { applied, fired }]) =>
          `${rule.padEnd(48)} ${fired}/${applied} ${applied === 0 ? '-' : `${Math.round((100 * fired) / applied)}%`}`,
      );
    console.log(`recall per rule (fired/applied):\n${rows.join('\n')}`);
  });
});

describe('mutation coverage', () => {
  it('every catalog rule has at least one mutation that applies to some clean base', () => {
    const specRules = allRules
      .map((r) => r.meta)
      .filter((meta) => !meta.id.startsWith('review/') && !meta.needsHistory)
      .map((meta) => meta.id);
    const applicable = new Set<string>();
    for (const base of bases()) {
      for (const mutation of mutations) {
        const target = {
          workflow: parseDocument(readFileSync(base.workflow, 'utf8')),
          config: parseDocument(readFileSync(base.config, 'utf8')),
          tests: base.tests ? parseDocument(readFileSync(base.tests, 'utf8')) : undefined,
          today,
        };
        if (mutation.apply(target)) applicable.add(mutation.rule);
      }
    }
    expect(specRules.filter((id) => !applicable.has(id))).toEqual([]);
  });
});
