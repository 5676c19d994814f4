import { isBlocking } from '../gate.js';
import type { ReviewReport } from './review-report.js';

/**
 * GitHub Actions workflow commands: one annotation per unsuppressed finding, shown on the pull
 * request's diff. Blocking findings are errors, medium ones warnings, the rest notices.
 */
export function formatGithub(report: ReviewReport): string {
  const lines: string[] = [];
  for (const finding of report.findings) {
    if (finding.suppression) continue;
    const command = isBlocking(finding, report.gate)
      ? 'error'
      : finding.severity === 'medium' || finding.severity === 'high' || finding.severity === 'critical'
        ? 'warning'
        : 'notice';
    const properties = [
      `file=${property(finding.file)}`,
      `line=${finding.line}`,
      `col=${finding.column}`,
      `endLine=${finding.endLine}`,
      `endColumn=${finding.endColumn}`,
      `title=${property(`${finding.ruleId} (${finding.severity})`)}`,
    ].join(',');
    lines.push(`::${command} ${properties}::${data(`${finding.message}. Fix: ${finding.remediation}`)}`);
  }
  return lines.join('\n');
}

/** Escaping of the workflow-command format (as @actions/core does it). */
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
