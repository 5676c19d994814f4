import type { ActionCatalog } from '../core/catalog/catalog.js';
import type { CompiledWorkflow } from '../core/compile/compiled-workflow.js';
import { didYouMean } from '../core/did-you-mean.js';
import { coerceError } from '../core/errors.js';
import { formatPath, type Diagnostic } from '../core/loader/diagnostic.js';
import { injectionFlows } from './analysis/taint.js';
import type { PathSegment, SourceDocument } from '../core/loader/source-document.js';
import type { Config } from '../core/model/config.js';
import type { WorkflowTest } from '../core/model/workflow-test.js';
import type { WorkflowMode } from '../core/types.js';
import type { Baseline } from './baseline.js';
import type { Finding } from './finding.js';
import { fingerprint } from './fingerprint.js';
import { allRules, ruleById } from './registry.js';
import { formatMessage, type Rule, type RuleReport } from './rule.js';
import { isExpired, parseSuppressions } from './suppressions.js';

/** What the review reads: loaded documents with their sources (see project/load-project.ts). */
export interface ReviewInput {
  readonly sources: ReadonlyMap<string, SourceDocument>;
  readonly workflows: readonly CompiledWorkflow[];
  readonly tests: readonly WorkflowTest[];
  readonly configs: readonly { readonly file: string; readonly config: Config }[];
  /** Load problems of the files (an invalid file cannot be reviewed): each becomes a finding. */
  readonly diagnostics?: readonly Diagnostic[];
}

export interface ReviewOptions {
  readonly catalog: ActionCatalog;
  /** `YYYY-MM-DD`: the review's today (rules have no clock). */
  readonly today: string;
  readonly rules?: readonly Rule[];
  /** Earlier versions' modes, by workflow name: known to the server only. */
  readonly history?: ReadonlyMap<string, readonly { readonly mode: WorkflowMode }[]>;
  /** Ignore inline suppressions (`--no-ignores`). */
  readonly noIgnores?: boolean;
  readonly baseline?: Baseline;
}

export interface ReviewResult {
  /** Every finding, suppressed ones included (marked), sorted by file and position. */
  readonly findings: readonly Finding[];
  /** Rules that could not run (no config, no history), by id. */
  readonly notRun: readonly string[];
  /**
   * Event fields that reach sensitive parameters and were cleared by a constraint, with the
   * constraint: no finding is made for them, and `--format json` says why.
   */
  readonly clearedFlows: readonly ClearedFlow[];
}

export interface ClearedFlow {
  readonly workflow: string;
  readonly file: string;
  readonly field: string;
  readonly via: readonly string[];
  readonly sink: {
    readonly action: string;
    readonly param: string;
    readonly kind: string;
    readonly path: string;
  };
  readonly clearedBy: { readonly constraint: string; readonly path: string; readonly kind: string };
}

/**
 * Reviews workflows and configs with every rule. Deterministic and without I/O: the same input
 * and `today` give the same findings in the same order.
 */
export function reviewProject(input: ReviewInput, options: ReviewOptions): ReviewResult {
  const rules = options.rules ?? allRules;
  const findings: Finding[] = [];
  const notRun = new Set<string>();
  const primary = input.configs[0];

  const place = (rule: Rule, report: RuleReport, file: string): void => {
    const source = input.sources.get(file);
    if (!source) return;
    const range = source.rangeOf(report.path, report.target ?? 'value');
    const template = rule.meta.messages[report.messageId] ?? report.messageId;
    const path = source.at(report.path, '', '', undefined).path;
    findings.push({
      ruleId: rule.meta.id,
      messageId: report.messageId,
      severity: rule.meta.severity,
      confidence: rule.meta.confidence,
      message: formatMessage(template, report.data),
      file,
      ...range,
      path,
      remediation: rule.meta.remediation.summary,
      fingerprint: fingerprint({
        ruleId: rule.meta.id,
        file,
        path,
        messageId: report.messageId,
        value: rule.meta.secretValues ? null : valueAt(source.value, report.path),
      }),
      ...(report.evidence ? { evidence: report.evidence } : {}),
    });
  };

  const run = (rule: Rule, file: string, check: () => void): void => {
    try {
      check();
    } catch (error) {
      const failed = ruleById('review/rule-error');
      if (failed)
        place(
          failed,
          { messageId: 'failed', data: { rule: rule.meta.id, error: coerceError(error).message }, path: [] },
          file,
        );
    }
  };

  for (const workflow of input.workflows) {
    const source = input.sources.get(workflow.file);
    const tests = input.tests.filter((test) => test.workflow === workflow.name);
    const history = options.history?.get(workflow.name);
    for (const rule of rules) {
      if (!rule.checkWorkflow) continue;
      if (rule.meta.needsConfig && !primary) {
        notRun.add(rule.meta.id);
        continue;
      }
      if (rule.meta.needsHistory && !history) continue;
      run(rule, workflow.file, () =>
        rule.checkWorkflow?.({
          catalog: options.catalog,
          today: options.today,
          workflow,
          raw: source?.value,
          config: primary?.config,
          tests,
          history,
          report: (report) => {
            place(rule, report, report.in === 'config' && primary ? primary.file : workflow.file);
          },
        }),
      );
    }
  }
  for (const { file, config } of input.configs) {
    for (const rule of rules) {
      if (!rule.checkConfig) continue;
      run(rule, file, () =>
        rule.checkConfig?.({
          catalog: options.catalog,
          today: options.today,
          config,
          raw: input.sources.get(file)?.value,
          workflows: input.workflows,
          report: (report) => {
            place(rule, report, file);
          },
        }),
      );
    }
  }

  if (notRun.size > 0 && input.workflows[0]) {
    const rule = ruleById('review/no-config');
    if (rule)
      place(
        rule,
        { messageId: 'noConfig', data: { rules: [...notRun].sort().join(', ') }, path: [] },
        input.workflows[0].file,
      );
  }

  findings.push(...(input.diagnostics ?? []).filter((d) => d.severity === 'error').map(invalidFileFinding));
  const unique = dedupe(findings);
  const suppressed = options.noIgnores ? unique : applySuppressions(unique, input.sources, options.today);
  const baselined = applyBaseline(suppressed, options.baseline);
  const clearedFlows = rules.some((rule) => rule.meta.id === 'injection/event-to-sensitive-param')
    ? input.workflows.flatMap(clearedFlowsOf)
    : [];
  return { findings: sortFindings(baselined), notRun: [...notRun].sort(), clearedFlows };
}

/**
 * Marks findings accepted by inline comments, and reports comments that are malformed, name
 * unknown rules, lack a reason (or an `until` for high and critical findings), have expired, or
 * match nothing. An expired or invalid suppression suppresses nothing.
 */
function applySuppressions(
  findings: Finding[],
  sources: ReadonlyMap<string, SourceDocument>,
  today: string,
): Finding[] {
  const result = [...findings];
  const extra: Finding[] = [];
  for (const [file, source] of sources) {
    for (const suppression of parseSuppressions(source.text)) {
      const at = {
        line: suppression.line,
        column: suppression.column,
        endLine: suppression.line,
        endColumn: suppression.endColumn,
      };
      const problems: { messageId: string; data: Record<string, string> }[] = [];
      if (suppression.malformed) problems.push({ messageId: 'malformed', data: {} });
      for (const id of suppression.rules) {
        if (!ruleById(id))
          problems.push({ messageId: 'unknownRule', data: { rule: id, suggestion: suggestion(id) } });
      }
      if (!suppression.malformed && suppression.reason === undefined)
        problems.push({ messageId: 'noReason', data: {} });
      if (suppression.until !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(suppression.until))
        problems.push({ messageId: 'badUntil', data: { until: suppression.until } });
      const targets = result.filter(
        (f) =>
          f.file === file &&
          (f.line === suppression.line || f.line === suppression.line + 1) &&
          suppression.rules.some((id) => ruleById(id)?.meta.id === f.ruleId),
      );
      const expired = suppression.until !== undefined && isExpired(suppression.until, today);
      if (problems.length === 0 && expired) {
        extra.push(
          noticeAt(
            'review/expired-suppression',
            'expired',
            { rules: suppression.rules.join(', '), until: suppression.until ?? '' },
            file,
            at,
          ),
        );
        continue;
      }
      let used = false;
      for (const target of targets) {
        const high = target.severity === 'high' || target.severity === 'critical';
        if (high && suppression.until === undefined) {
          problems.push({ messageId: 'noUntil', data: { rule: target.ruleId, severity: target.severity } });
          continue;
        }
        if (problems.length > 0) continue;
        used = true;
        const index = result.indexOf(target);
        result[index] = {
          ...target,
          suppression: {
            kind: 'inline',
            reason: suppression.reason ?? '',
            ...(suppression.until ? { until: suppression.until } : {}),
          },
        };
      }
      // One notice per comment, naming every problem with it.
      const [first] = problems;
      if (first) {
        const notice = noticeAt('review/invalid-suppression', first.messageId, first.data, file, at);
        const rule = ruleById('review/invalid-suppression');
        const message = problems
          .map((p) => formatMessage(rule?.meta.messages[p.messageId] ?? p.messageId, p.data))
          .join('; ');
        extra.push({ ...notice, message });
      }
      if (problems.length === 0 && !used)
        extra.push(
          noticeAt('review/unused-suppression', 'unused', { rules: suppression.rules.join(', ') }, file, at),
        );
    }
  }
  return [...result, ...extra];
}

/** A finding about a suppression comment, placed on the comment. */
function noticeAt(
  ruleId: string,
  messageId: string,
  data: Record<string, string>,
  file: string,
  at: { line: number; column: number; endLine: number; endColumn: number },
): Finding {
  const rule = ruleById(ruleId);
  if (!rule) throw new Error(`missing rule ${ruleId}`);
  return {
    ruleId,
    messageId,
    severity: rule.meta.severity,
    confidence: rule.meta.confidence,
    message: formatMessage(rule.meta.messages[messageId] ?? messageId, data),
    file,
    ...at,
    path: '(comment)',
    remediation: rule.meta.remediation.summary,
    fingerprint: fingerprint({ ruleId, file, path: `(comment)`, messageId, value: data }),
  };
}

function suggestion(id: string): string {
  const close = didYouMean(
    id,
    allRules.map((r) => r.meta.id),
  );
  return close ? `; did you mean \`${close}\`?` : '';
}

function applyBaseline(findings: Finding[], baseline: Baseline | undefined): Finding[] {
  if (!baseline) return findings;
  const accepted = new Set(baseline.findings.map((f) => f.fingerprint));
  return findings.map((f) =>
    !f.suppression && accepted.has(f.fingerprint)
      ? { ...f, suppression: { kind: 'baseline', reason: 'accepted in the baseline' } }
      : f,
  );
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}\u0000${f.file}\u0000${f.path}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** A file that does not load is a blocking finding of `review/invalid-file`, placed where the loader said. */
function invalidFileFinding(diagnostic: Diagnostic): Finding {
  const rule = ruleById('review/invalid-file');
  return {
    ruleId: 'review/invalid-file',
    messageId: 'diagnostic',
    severity: rule?.meta.severity ?? 'high',
    confidence: rule?.meta.confidence ?? 'high',
    message: `${diagnostic.code}: ${diagnostic.message}`,
    file: diagnostic.file,
    line: diagnostic.line,
    column: diagnostic.column,
    endLine: diagnostic.endLine,
    endColumn: diagnostic.endColumn,
    path: diagnostic.path,
    remediation: diagnostic.hint ?? 'fix the file as the message says',
    fingerprint: fingerprint({
      ruleId: 'review/invalid-file',
      file: diagnostic.file,
      path: diagnostic.path,
      messageId: diagnostic.code,
      value: diagnostic.message,
    }),
  };
}

function clearedFlowsOf(workflow: CompiledWorkflow): ClearedFlow[] {
  const flows: ClearedFlow[] = [];
  for (const flow of injectionFlows(workflow)) {
    if (!flow.clearedBy) continue;
    flows.push({
      workflow: workflow.name,
      file: workflow.file,
      field: flow.field,
      via: flow.via,
      sink: {
        action: flow.sink.action.id,
        param: flow.sink.param,
        kind: flow.sink.kind,
        path: formatPath(flow.sink.path),
      },
      clearedBy: {
        constraint: flow.clearedBy.constraint,
        path: formatPath(flow.clearedBy.path),
        kind: flow.clearedBy.kind,
      },
    });
  }
  return flows;
}
