import { isBlocking } from '../gate.js';
import { summarise, type ReviewReport } from './review-report.js';

/**
 * The review as JSON, `version: 1` (docs/review.md documents every field). Suppressed findings
 * are included with their `suppression`; `blocking` says what the gate decided.
 */
export function formatJson(report: ReviewReport): string {
  return JSON.stringify(
    {
      version: 1,
      tool: report.tool,
      gate: report.gate,
      summary: { files: report.files.length, ...summarise(report) },
      findings: report.findings.map((finding) => ({
        ...finding,
        blocking: isBlocking(finding, report.gate),
      })),
      rulesNotRun: report.notRun,
      clearedFlows: report.clearedFlows,
    },
    null,
    2,
  );
}
