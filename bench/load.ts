/**
 * Loads and compiles 1,000 generated workflows (YAML with positions, schema, CEL parse and type
 * check, templates, catalog) and prints JSON. Target on a 2-core machine: under 500 ms.
 * Run: `npm run bench` (or `npx tsx bench/load.ts --count 1000 --passes 5`).
 */
import { defaultCatalog } from '../src/connectors/catalog.js';
import { loadDocument } from '../src/core/loader/load-document.js';
import { generateWorkflowYaml } from './generate-workflows.js';

const argValue = (flag: string, fallback: number): number => {
  const index = process.argv.indexOf(flag);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const count = argValue('--count', 1000);
const passes = argValue('--passes', 5);

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
const sorted = [...timings].sort((a, b) => a - b);
const round = (ms: number) => Math.round(ms * 10) / 10;
console.log(
  JSON.stringify({
    benchmark: 'load',
    workflows: count,
    ms: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    coldMs: round(timings[0] ?? 0),
    minMs: round(sorted[0] ?? 0),
    passes,
    targetMs: 500,
    node: process.version,
  }),
);
