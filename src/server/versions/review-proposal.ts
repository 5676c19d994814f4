import type { ActionCatalog } from '../../core/catalog/catalog.js';
import type { CompiledWorkflow } from '../../core/compile/compiled-workflow.js';
import type { Diagnostic } from '../../core/loader/diagnostic.js';
import { loadDocument } from '../../core/loader/load-document.js';
import { SourceDocument } from '../../core/loader/source-document.js';
import type { Config } from '../../core/model/config.js';
import type { WorkflowTest } from '../../core/model/workflow-test.js';
import type { WorkflowMode } from '../../core/types.js';
import { isBlocking } from '../../review/gate.js';
import { reviewProject } from '../../review/review-project.js';
import type { StoredReview } from '../../store/versions-store.js';

/** What a client proposes: the workflow's YAML, and optionally its WorkflowTest YAML. */
export interface ProposalInput {
  readonly content: string;
  readonly tests?: string | undefined;
  /** Only a label for diagnostics (`workflows/x.yaml:3:5`); never read from disk. */
  readonly file?: string | undefined;
}

export type LoadedProposal =
  | {
      readonly ok: true;
      readonly compiled: CompiledWorkflow;
      readonly sources: ReadonlyMap<string, SourceDocument>;
      readonly tests: readonly WorkflowTest[];
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** The file name the server's config is reviewed under (a rendering of the loaded config). */
const configFile = 'rectify.yaml (server config)';

/**
 * Loads a proposed workflow (and its tests) as `rectify validate` would: every problem comes
 * back as a diagnostic with `file:line:column`, and a proposal with one is refused whole.
 * @example loadProposal({ content: text, file: 'workflows/x.yaml' }, catalog)
 */
export function loadProposal(input: ProposalInput, catalog: ActionCatalog): LoadedProposal {
  const file = input.file ?? 'workflow.yaml';
  const loaded = loadDocument(file, input.content, { catalog, expect: 'Workflow' });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (loaded.document?.kind !== 'Workflow') {
    if (errors.length > 0) return { ok: false, diagnostics: errors };
    return {
      ok: false,
      diagnostics: [
        loaded.source.at(
          ['kind'],
          'wrong-kind',
          'a proposal must be a `kind: Workflow` document',
          'propose workflow files only; their tests go in `tests`',
        ),
      ],
    };
  }
  const sources = new Map([[file, loaded.source]]);
  const tests: WorkflowTest[] = [];
  if (input.tests !== undefined) {
    const testsFile = file.replace(/(\.ya?ml)?$/i, '.test.yaml');
    const result = loadDocument(testsFile, input.tests, { catalog, expect: 'WorkflowTest' });
    const testErrors = result.diagnostics.filter((d) => d.severity === 'error');
    if (result.document?.kind !== 'WorkflowTest')
      return {
        ok: false,
        diagnostics:
          testErrors.length > 0
            ? testErrors
            : [
                result.source.at(
                  ['kind'],
                  'wrong-kind',
                  '`tests` must be a `kind: WorkflowTest` document',
                  "send the workflow's .test.yaml file as `tests`",
                ),
              ],
      };
    if (result.document.test.workflow !== loaded.document.workflow.name)
      return {
        ok: false,
        diagnostics: [
          result.source.at(
            ['workflow'],
            'unknown-workflow',
            `these tests are for \`${result.document.test.workflow}\`, not \`${loaded.document.workflow.name}\``,
            'send the tests of the proposed workflow',
          ),
        ],
      };
    sources.set(testsFile, result.source);
    tests.push(result.document.test);
  }
  return { ok: true, compiled: loaded.document.workflow, sources, tests };
}

/**
 * Runs the security review on a loaded proposal with the server's config, as of `today`, and
 * returns what is stored with the version. `history` (the modes of versions that were active
 * before) turns on the server-only rule `change/enforce-without-dry-run-history`; undefined
 * leaves it off, as `rectify review` does.
 */
export function reviewProposal(
  proposal: Extract<LoadedProposal, { ok: true }>,
  options: {
    catalog: ActionCatalog;
    config: Config;
    today: string;
    history: readonly { readonly mode: WorkflowMode }[] | undefined;
  },
): StoredReview {
  // The review places config findings in the config's source; the server holds the loaded
  // config, not its text, so it reviews a JSON rendering (JSON is YAML) of the same values.
  const { source: configSource } = SourceDocument.parse(configFile, JSON.stringify(options.config, null, 2));
  const sources = new Map(proposal.sources);
  sources.set(configFile, configSource);
  const name = proposal.compiled.name;
  const result = reviewProject(
    {
      sources,
      workflows: [proposal.compiled],
      tests: proposal.tests,
      configs: [{ file: configFile, config: options.config }],
    },
    {
      catalog: options.catalog,
      today: options.today,
      ...(options.history ? { history: new Map([[name, options.history]]) } : {}),
    },
  );
  const findings = result.findings.map((finding) => ({
    ruleId: finding.ruleId,
    severity: finding.severity,
    confidence: finding.confidence,
    message: finding.message,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    path: finding.path,
    blocking: isBlocking(finding),
    suppressed: finding.suppression !== undefined,
  }));
  return {
    today: options.today,
    blocking: findings.filter((finding) => finding.blocking).length,
    findings,
    notRun: result.notRun,
  };
}
