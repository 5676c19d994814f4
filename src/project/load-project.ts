import type { ActionCatalog } from '../core/catalog/catalog.js';
import type { CompiledWorkflow } from '../core/compile/compiled-workflow.js';
import type { Diagnostic } from '../core/loader/diagnostic.js';
import { loadDocument, type LoadResult } from '../core/loader/load-document.js';
import { parseErrorCodes } from '../core/loader/source-document.js';
import type { Config } from '../core/model/config.js';
import type { WorkflowTest } from '../core/model/workflow-test.js';
import { discoverYamlFiles, readText } from './files.js';

/** Everything loaded from a set of paths: per-file results and the documents that loaded. */
export interface LoadedProject {
  readonly results: readonly LoadResult[];
  /** Paths that do not exist or could not be read. */
  readonly unreadable: readonly string[];
  readonly workflows: readonly CompiledWorkflow[];
  readonly tests: readonly { readonly file: string; readonly test: WorkflowTest }[];
  readonly configs: readonly { readonly file: string; readonly config: Config }[];
  /** Problems across files: duplicate workflow names, tests for unknown workflows. */
  readonly crossFile: readonly Diagnostic[];
}

/**
 * Reads and loads every YAML file under the given paths, then checks them together.
 * I/O lives here; each file's loading is core's pure `loadDocument`.
 */
export async function loadProject(
  paths: readonly string[],
  options: { catalog: ActionCatalog; cwd: string },
): Promise<LoadedProject> {
  const discovery = await discoverYamlFiles(paths, options.cwd);
  const results: LoadResult[] = [];
  const unreadable = [...discovery.missing];
  for (const file of discovery.files) {
    const read = await readText(file);
    if ('error' in read) {
      unreadable.push(`${file.display}: ${read.error}`);
      continue;
    }
    results.push(loadDocument(file.display, read.text, { catalog: options.catalog }));
  }
  const workflows: CompiledWorkflow[] = [];
  const tests: { file: string; test: WorkflowTest }[] = [];
  const configs: { file: string; config: Config }[] = [];
  for (const result of results) {
    const document = result.document;
    if (document?.kind === 'Workflow') workflows.push(document.workflow);
    else if (document?.kind === 'WorkflowTest') tests.push({ file: result.file, test: document.test });
    else if (document?.kind === 'Config') configs.push({ file: result.file, config: document.config });
  }
  return {
    results,
    unreadable,
    workflows,
    tests,
    configs,
    crossFile: crossFileDiagnostics(results, workflows, tests),
  };
}

function crossFileDiagnostics(
  results: readonly LoadResult[],
  workflows: readonly CompiledWorkflow[],
  tests: readonly { file: string; test: WorkflowTest }[],
): Diagnostic[] {
  const found: Diagnostic[] = [];
  const sourceOf = (file: string) => results.find((r) => r.file === file)?.source;
  const byName = new Map<string, CompiledWorkflow>();
  for (const workflow of workflows) {
    // A shadow candidate shares its name with the version it is compared with: one of each.
    const key = workflow.mode === 'shadow' ? `${workflow.name}~shadow` : workflow.name;
    const first = byName.get(key);
    const source = sourceOf(workflow.file);
    if (first && source) {
      found.push(
        source.at(
          ['metadata', 'name'],
          'duplicate-workflow-name',
          `workflow name \`${workflow.name}\` is also used by ${first.file}`,
          'workflow names must be unique',
        ),
      );
    } else byName.set(key, workflow);
  }
  // A test may name a workflow that failed to load: it is known, just broken, so read the raw names.
  const writtenNames = new Set(
    results.map((r) => rawWorkflowName(r.source.value)).filter((name) => name !== undefined),
  );
  for (const { file, test } of tests) {
    const source = sourceOf(file);
    if (!writtenNames.has(test.workflow) && source && writtenNames.size > 0) {
      found.push(
        source.at(
          ['workflow'],
          'unknown-workflow',
          `no workflow named \`${test.workflow}\` was loaded`,
          'name the workflow this file tests (its metadata.name)',
        ),
      );
    }
  }
  return found;
}

/** True when a diagnostic means the file could not be parsed at all (exit code 3). */
export function isParseFailure(diagnostic: Diagnostic): boolean {
  return parseErrorCodes.has(diagnostic.code);
}

function rawWorkflowName(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const document = value as { kind?: unknown; metadata?: { name?: unknown } };
  return document.kind === 'Workflow' && typeof document.metadata?.name === 'string'
    ? document.metadata.name
    : undefined;
}
