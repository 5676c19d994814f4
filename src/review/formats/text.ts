import type { Style } from '../../cli/style.js';
import { isBlocking } from '../gate.js';
import { ruleDocPath, summarise, type ReviewReport } from './review-report.js';

/** For people: each unsuppressed finding with a code frame, the fix, and a summary. */
export function formatText(report: ReviewReport, style: Style): string {
  const blocks: string[] = [];
  for (const finding of report.findings) {
    if (finding.suppression) continue;
    const blocking = isBlocking(finding, report.gate);
    const label = blocking
      ? style.red('error')
      : finding.severity === 'info' || finding.severity === 'low'
        ? style.dim('note')
        : style.yellow('warning');
    const lines = [
      `${style.cyan(`${finding.file}:${finding.line}:${finding.column}`)} ${label} ${style.bold(finding.ruleId)} ${style.dim(`(${finding.severity}, ${finding.confidence} confidence)`)}`,
      `  ${finding.message}`,
    ];
    const source = report.sources.get(finding.file);
    if (source && source.text !== '') lines.push(style.dim(source.frame(finding)));
    lines.push(
      `  ${style.bold('fix:')} ${finding.remediation}`,
      `  ${style.dim(`see ${ruleDocPath(finding.ruleId)}`)}`,
    );
    blocks.push(lines.join('\n'));
  }
  const { blocking, nonBlocking, suppressed } = summarise(report);
  const gate = `gate: ${report.gate.failOn}+ severity, ${report.gate.minConfidence}+ confidence`;
  const counts = `${report.files.length} file(s): ${blocking} blocking, ${nonBlocking} not blocking, ${suppressed} suppressed (${gate})`;
  blocks.push(blocking > 0 ? style.red(counts) : style.green(counts));
  return blocks.join('\n\n');
}
