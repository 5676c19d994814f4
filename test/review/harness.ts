import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { loadDocument, type LoadResult } from '../../src/core/loader/load-document.js';
import type { SourceDocument } from '../../src/core/loader/source-document.js';
import type { WorkflowMode } from '../../src/core/types.js';
import type { Finding } from '../../src/review/finding.js';
import { reviewProject, type ReviewInput } from '../../src/review/review-project.js';

export const reviewFixtures = join(import.meta.dirname, '..', 'fixtures', 'review');
export const catalog = defaultCatalog();
const root = join(import.meta.dirname, '..', '..');

/**
 * A review fixture is one Workflow (or Config) file. Header comments say how to review it:
 *   # expect: <line>:<column>          a finding of the rule under test starts there, in this file
 *   # expect: config <line>:<column>   ... in the config file reviewed with it
 *   # config: <path> | none            the config to review with (default: base-config.yaml)
 *   # tests: <path> | none             the WorkflowTest file (default: clean-workflow.test.yaml, renamed)
 *   # today: YYYY-MM-DD                the review's today (default 2026-11-27)
 *   # history: dry-run,enforce         modes of earlier versions (server-side review); empty: none
 * A Config fixture is reviewed with clean-workflow.yaml beside it.
 */
export interface FixtureHeader {
  expect: { inConfig: boolean; line: number; column: number }[];
  config: string | undefined;
  tests: string | undefined;
  today: string;
  history: WorkflowMode[] | undefined;
}

export function readHeader(text: string, file: string): FixtureHeader {
  const header: FixtureHeader = {
    expect: [],
    config: join(reviewFixtures, 'base-config.yaml'),
    tests: join(reviewFixtures, 'clean-workflow.test.yaml'),
    today: '2026-11-27',
    history: undefined,
  };
  // Horizontal white space only: an empty value (`# history:`) must not run on into the next line.
  for (const match of text.matchAll(/^#[ \t]*(expect|config|tests|today|history):[ \t]*(.*?)[ \t]*$/gm)) {
    const [, key, value = ''] = match;
    if (key === 'expect') {
      const inConfig = value.startsWith('config ');
      const [line, column] = value
        .replace(/^config /, '')
        .split(':')
        .map(Number);
      header.expect.push({ inConfig, line: line ?? 0, column: column ?? 0 });
    } else if (key === 'config') header.config = value === 'none' ? undefined : join(dirname(file), value);
    else if (key === 'tests') header.tests = value === 'none' ? undefined : join(dirname(file), value);
    else if (key === 'today') header.today = value;
    else if (key === 'history')
      header.history = value === '' ? [] : value.split(',').map((m) => m.trim() as WorkflowMode);
  }
  return header;
}

function load(file: string, text = readFileSync(file, 'utf8'), mayFail = false): LoadResult {
  const result = loadDocument(relative(root, file), text, { catalog });
  if (!result.document && !mayFail)
    throw new Error(
      `fixture ${file} does not load: ${JSON.stringify(result.diagnostics.slice(0, 3), null, 1)}`,
    );
  return result;
}

/** Reviews a fixture as its header says and returns every finding. */
export function reviewFixture(file: string): {
  findings: readonly Finding[];
  header: FixtureHeader;
  primaryFile: string;
  configFile: string | undefined;
} {
  const text = readFileSync(file, 'utf8');
  const header = readHeader(text, file);
  // A fixture of review/invalid-file is meant not to load; every other one must.
  const primary = load(file, text, file.includes('review/invalid-file'));
  const results: LoadResult[] = [primary];
  if (primary.document?.kind === 'Config') results.push(load(join(reviewFixtures, 'clean-workflow.yaml')));
  else if (header.config) results.push(load(header.config));
  const workflow = results.find((r) => r.document?.kind === 'Workflow')?.document;
  if (header.tests && workflow?.kind === 'Workflow') {
    const testText = readFileSync(header.tests, 'utf8').replace(
      /^workflow: .*$/m,
      `workflow: ${workflow.workflow.name}`,
    );
    results.push(load(header.tests, testText));
  }
  const input = inputOf(results);
  const history =
    header.history && workflow?.kind === 'Workflow'
      ? new Map([[workflow.workflow.name, header.history.map((mode) => ({ mode }))]])
      : undefined;
  const { findings } = reviewProject(input, {
    catalog,
    today: header.today,
    ...(history ? { history } : {}),
  });
  return { findings, header, primaryFile: primary.file, configFile: input.configs[0]?.file };
}

export function inputOf(results: readonly LoadResult[]): ReviewInput {
  const sources = new Map<string, SourceDocument>(results.map((r) => [r.file, r.source]));
  const workflows = results.flatMap((r) => (r.document?.kind === 'Workflow' ? [r.document.workflow] : []));
  const tests = results.flatMap((r) => (r.document?.kind === 'WorkflowTest' ? [r.document.test] : []));
  const configs = results.flatMap((r) =>
    r.document?.kind === 'Config' ? [{ file: r.file, config: r.document.config }] : [],
  );
  return { sources, workflows, tests, configs, diagnostics: results.flatMap((r) => r.diagnostics) };
}
