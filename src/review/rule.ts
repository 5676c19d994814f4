import type { ActionCatalog } from '../core/catalog/catalog.js';
import type { CompiledWorkflow } from '../core/compile/compiled-workflow.js';
import type { PathSegment } from '../core/loader/source-document.js';
import type { Config } from '../core/model/config.js';
import type { WorkflowTest } from '../core/model/workflow-test.js';
import type { Severity, WorkflowMode } from '../core/types.js';

/**
 * A review rule, as typescript-eslint writes them: `meta` says what it finds and how to fix it;
 * `checkWorkflow` / `checkConfig` look and report findings as data. A rule never throws and never
 * names an action: it reads the catalog (effect, idempotent, slow, sensitive, scope, inverse).
 */
export interface Rule {
  readonly meta: RuleMeta;
  /** Called once per workflow, with the config (when one was given) and the workflow's tests. */
  checkWorkflow?(context: WorkflowRuleContext): void;
  /** Called once per config file, with every workflow reviewed beside it. */
  checkConfig?(context: ConfigRuleContext): void;
}

export const Confidence = { low: 'low', medium: 'medium', high: 'high' } as const;
export type Confidence = (typeof Confidence)[keyof typeof Confidence];

export const ruleCategories = [
  'trigger',
  'access',
  'observability',
  'resilience',
  'change',
  'injection',
  'secrets',
] as const;
export type RuleCategory = (typeof ruleCategories)[number];

export interface RuleMeta {
  /** `<category>/<slug>`; never renamed (a rename keeps the old id in `aliases`). */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  /** What the rule finds and why it matters, for people; a paragraph. */
  readonly description: string;
  readonly remediation: {
    readonly summary: string;
    /** YAML that the rule reports... */
    readonly before: string;
    /** ...and the same fixed. */
    readonly after: string;
  };
  readonly references: readonly string[];
  /** messageId -> message; `{{name}}` placeholders are filled from a report's `data`. */
  readonly messages: Readonly<Record<string, string>>;
  /** Needs the config: without one the rule cannot decide and is reported as not run. */
  readonly needsConfig?: boolean;
  /** Runs only where version history is known (the server's review of a proposed version). */
  readonly needsHistory?: boolean;
  readonly aliases?: readonly string[];
  /** The offending value is itself a secret: it stays out of fingerprints (a hash of a short secret can be guessed). */
  readonly secretValues?: boolean;
}

export interface RuleReport {
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string | number>>;
  /** YAML path of the offending value in the file (the workflow's, or the config's with `in: 'config'`). */
  readonly path: readonly PathSegment[];
  /** Point at the key rather than the value (for a field whose value is a whole block). */
  readonly target?: 'key' | 'value';
  readonly in?: 'workflow' | 'config';
  /** Machine-readable detail for `--format json` (e.g. which constraint cleared a data flow). */
  readonly evidence?: Readonly<Record<string, unknown>>;
}

interface BaseContext {
  readonly catalog: ActionCatalog;
  /** Today, `YYYY-MM-DD`, as the review sees it (passed in: rules have no clock). */
  readonly today: string;
  report(report: RuleReport): void;
}

export interface WorkflowRuleContext extends BaseContext {
  readonly workflow: CompiledWorkflow;
  /** The workflow as written (before defaults), for what compilation normalises away. */
  readonly raw: unknown;
  readonly config: Config | undefined;
  readonly tests: readonly WorkflowTest[];
  /** Modes of the workflow's earlier versions, oldest first; undefined outside the server. */
  readonly history: readonly { readonly mode: WorkflowMode }[] | undefined;
}

export interface ConfigRuleContext extends BaseContext {
  readonly config: Config;
  readonly raw: unknown;
  readonly workflows: readonly CompiledWorkflow[];
}

/** Fills `{{name}}` placeholders of a message. */
export function formatMessage(
  template: string,
  data: Readonly<Record<string, string | number>> = {},
): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    name in data ? String(data[name]) : whole,
  );
}
