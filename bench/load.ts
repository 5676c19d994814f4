/**
 * Loads and compiles 1,000 generated workflows (YAML with positions, schema, CEL parse and type
 * check, templates, catalog) and prints JSON. Target on a 2-core machine: under 500 ms.
 * Run: `npm run bench` (or `npx tsx bench/load.ts --count 1000 --passes 5`).
 */
import { defaultCatalog } from '../src/connectors/catalog.js';
import { loadDocument } from '../src/core/loader/load-document.js';
import { generateWorkflowYaml } from './generate-workflows.js';
import { numberFlag, summarise } from './stats.js';

const count = numberFlag('--count', 1000);
const passes = numberFlag('--passes', 5);

const catalog = defaultCatalog();
const texts = Array.from({ length: count }, (_, i) => generateWorkflowYaml(i));

function pass(): number {
  const started = performance.now();
  for (const [i, text] of texts.entries()) {
    const result = loadDocument(`generated-${i}.yaml`, text, { catalog });
    if (!result.document)
      throw new Error(`generated workflow ${i} did not load: ${JSON.stringify(result.diagnostics[0])}`);
  }
  return performance.now() - started;
}

const timings = Array.from({ length: passes }, pass);
console.log(
  JSON.stringify({
    benchmark: 'load',
    workflows: count,
    ...summarise(timings),
    passes,
    targetMs: 500,
    node: process.version,
  }),
);
