import type { SourceDocument } from '../../core/loader/source-document.js';
import type { Finding } from '../finding.js';
import { isBlocking, type GateOptions } from '../gate.js';
import type { ClearedFlow } from '../review-project.js';
import type { Rule } from '../rule.js';

/** Everything an output format needs: findings, the gate that judged them, the rules, the sources. */
export interface ReviewReport {
  readonly tool: { readonly name: 'Rectify'; readonly version: string };
  readonly findings: readonly Finding[];
  readonly rules: readonly Rule[];
  readonly gate: GateOptions;
  readonly notRun: readonly string[];
  readonly clearedFlows: readonly ClearedFlow[];
  readonly sources: ReadonlyMap<string, SourceDocument>;
  readonly files: readonly string[];
}

export function summarise(report: ReviewReport): {
  blocking: number;
  nonBlocking: number;
  suppressed: number;
} {
  let blocking = 0;
  let nonBlocking = 0;
  let suppressed = 0;
  for (const finding of report.findings) {
    if (finding.suppression) suppressed++;
    else if (isBlocking(finding, report.gate)) blocking++;
    else nonBlocking++;
  }
  return { blocking, nonBlocking, suppressed };
}

/** The doc page of a rule, relative to the repository root. */
export function ruleDocPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}
