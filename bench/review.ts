/**
 * Reviews 1,000 generated workflows with one config, every rule, and prints JSON.
 * Target on a 2-core machine: under 1 s. Loading is measured apart (see bench/load.ts).
 * Run: `npx tsx bench/review.ts [--count 1000] [--passes 5]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '../src/connectors/catalog.js';
import { loadDocument, type LoadResult } from '../src/core/loader/load-document.js';
import type { SourceDocument } from '../src/core/loader/source-document.js';
import { allRules } from '../src/review/registry.js';
import { reviewProject, type ReviewInput } from '../src/review/review-project.js';
import { generateWorkflowYaml } from './generate-workflows.js';
import { numberFlag, summarise } from './stats.js';

const count = numberFlag('--count', 1000);
const passes = numberFlag('--passes', 5);
const catalog = defaultCatalog();

const configText = readFileSync(join(import.meta.dirname, 'review-config.yaml'), 'utf8');
const results: LoadResult[] = [loadDocument('rectify.yaml', configText, { catalog })];
for (let i = 0; i < count; i++)
  results.push(loadDocument(`generated-${i}.yaml`, generateWorkflowYaml(i), { catalog }));
const failed = results.find((r) => !r.document);
if (failed) throw new Error(`${failed.file} did not load: ${JSON.stringify(failed.diagnostics[0])}`);

const input: ReviewInput = {
  sources: new Map<string, SourceDocument>(results.map((r) => [r.file, r.source])),
  workflows: results.flatMap((r) => (r.document?.kind === 'Workflow' ? [r.document.workflow] : [])),
  tests: [],
  configs: results.flatMap((r) =>
    r.document?.kind === 'Config' ? [{ file: r.file, config: r.document.config }] : [],
  ),
};

let findings = 0;
const timings: number[] = [];
for (let pass = 0; pass < passes; pass++) {
  // Fresh sources each pass: positions are parsed lazily and cached, and a real review starts cold.
  const fresh: ReviewInput = {
    ...input,
    sources: new Map(
      [...input.sources].map(([file, source]) => [file, loadDocument(file, source.text, { catalog }).source]),
    ),
  };
  const started = performance.now();
  findings = reviewProject(fresh, { catalog, today: '2026-11-27' }).findings.length;
  timings.push(performance.now() - started);
}
console.log(
  JSON.stringify({
    benchmark: 'review',
    workflows: input.workflows.length,
    rules: allRules.length,
    findings,
    ...summarise(timings),
    passes,
    targetMs: 1000,
    node: process.version,
  }),
);
