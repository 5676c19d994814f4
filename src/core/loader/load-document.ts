import type { z } from 'zod';
import type { ActionCatalog } from '../catalog/catalog.js';
import { checkConfig } from '../compile/check-config.js';
import { checkWorkflowTest } from '../compile/check-workflow-test.js';
import { DiagnosticCollector } from '../compile/collector.js';
import { compileWorkflow } from '../compile/compile-workflow.js';
import type { CompiledWorkflow } from '../compile/compiled-workflow.js';
import { configSchema, type Config } from '../model/config.js';
import { workflowTestSchema, type WorkflowTest } from '../model/workflow-test.js';
import { workflowSchema } from '../model/workflow.js';
import { didYouMean } from '../did-you-mean.js';
import type { Diagnostic } from './diagnostic.js';
import { schemaIssuesToDiagnostics } from './schema-issues.js';
import { SourceDocument } from './source-document.js';

export const documentKinds = ['Workflow', 'WorkflowTest', 'Config'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export type LoadedDocument =
  | { readonly kind: 'Workflow'; readonly workflow: CompiledWorkflow }
  | { readonly kind: 'WorkflowTest'; readonly test: WorkflowTest }
  | { readonly kind: 'Config'; readonly config: Config };

export interface LoadResult {
  readonly file: string;
  /** The parsed source, for code frames; absent only when the text could not be read as YAML at all. */
  readonly source: SourceDocument;
  /** Present when the file loaded with no error. */
  readonly document: LoadedDocument | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

const schemas: Record<DocumentKind, z.ZodType> = {
  Workflow: workflowSchema,
  WorkflowTest: workflowTestSchema,
  Config: configSchema,
};

/**
 * Loads one Rectify file from its text: YAML with positions, the schema of its `kind`, then the
 * semantic checks (expressions, templates, catalog). Pure and total: never throws on bad input,
 * every problem of the file comes back at once.
 * @example loadDocument('wf.yaml', text, { catalog }).diagnostics
 */
export function loadDocument(
  file: string,
  text: string,
  options: { catalog: ActionCatalog; expect?: DocumentKind },
): LoadResult {
  const { source, diagnostics } = SourceDocument.parse(file, text);
  const fail = (more: Diagnostic[] = []): LoadResult => ({
    file,
    source,
    document: undefined,
    diagnostics: [...diagnostics, ...more],
  });
  if (diagnostics.some((d) => d.severity === 'error')) return fail();

  const value = source.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail([
      source.at(
        [],
        'not-a-mapping',
        'the document must be a mapping with `apiVersion` and `kind`',
        `start the file with:\napiVersion: rectify.dev/v1\nkind: ${options.expect ?? 'Workflow'}`,
      ),
    ]);
  }
  const kindValue = (value as Record<string, unknown>).kind;
  const kind = documentKinds.find((k) => k === kindValue);
  if (!kind) {
    if (kindValue === undefined)
      return fail([
        source.at(
          ['kind'],
          'missing-field',
          '`kind` is required',
          `add \`kind: ${options.expect ?? 'Workflow'}\``,
        ),
      ]);
    const suggestion = typeof kindValue === 'string' ? didYouMean(kindValue, documentKinds) : undefined;
    return fail([
      source.at(
        ['kind'],
        'unknown-kind',
        `\`kind\` must be one of ${documentKinds.join(', ')}`,
        suggestion ? `did you mean \`${suggestion}\`?` : undefined,
      ),
    ]);
  }
  if (options.expect && kind !== options.expect) {
    return fail([
      source.at(
        ['kind'],
        'unexpected-kind',
        `expected a ${options.expect} here, found a ${kind}`,
        `pass a ${options.expect} file`,
      ),
    ]);
  }

  const schema = schemas[kind];
  const parsed = schema.safeParse(value);
  if (!parsed.success) return fail(schemaIssuesToDiagnostics(source, schema, parsed.error.issues));

  const collector = new DiagnosticCollector(source);
  let document: LoadedDocument | undefined;
  switch (kind) {
    case 'Workflow': {
      const workflow = compileWorkflow(
        collector,
        parsed.data as z.output<typeof workflowSchema>,
        options.catalog,
      );
      document = workflow && { kind, workflow };
      break;
    }
    case 'WorkflowTest':
      checkWorkflowTest(collector, parsed.data as WorkflowTest, options.catalog);
      document = { kind, test: parsed.data as WorkflowTest };
      break;
    case 'Config':
      checkConfig(collector, parsed.data as Config, options.catalog);
      document = { kind, config: parsed.data as Config };
      break;
  }
  const all = [...diagnostics, ...sortByPosition(collector.diagnostics)];
  return {
    file,
    source,
    document: all.some((d) => d.severity === 'error') ? undefined : document,
    diagnostics: all,
  };
}

function sortByPosition(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
}
