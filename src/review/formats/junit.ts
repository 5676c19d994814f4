import { isBlocking } from '../gate.js';
import type { ReviewReport } from './review-report.js';

/**
 * JUnit XML for CI dashboards: a test suite per reviewed file, a test case per finding (a
 * failure when it blocks), and one passing case for a file with nothing to report.
 */
export function formatJunit(report: ReviewReport): string {
  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  for (const file of report.files) {
    const findings = report.findings.filter((f) => f.file === file);
    const cases: string[] = [];
    let failures = 0;
    for (const finding of findings) {
      const name = `${finding.ruleId} at ${finding.line}:${finding.column}`;
      if (finding.suppression) {
        cases.push(
          `    <testcase classname="${xml(file)}" name="${xml(name)}"><skipped message="${xml(`suppressed: ${finding.suppression.reason}`)}"/></testcase>`,
        );
      } else if (isBlocking(finding, report.gate)) {
        failures++;
        cases.push(
          `    <testcase classname="${xml(file)}" name="${xml(name)}"><failure message="${xml(finding.message)}" type="${xml(finding.severity)}">${xml(`${finding.file}:${finding.line}:${finding.column} ${finding.message}\nFix: ${finding.remediation}`)}</failure></testcase>`,
        );
      } else {
        cases.push(
          `    <testcase classname="${xml(file)}" name="${xml(name)}"><system-out>${xml(`${finding.severity}: ${finding.message}`)}</system-out></testcase>`,
        );
      }
    }
    if (cases.length === 0) cases.push(`    <testcase classname="${xml(file)}" name="review"/>`);
    totalTests += cases.length;
    totalFailures += failures;
    suites.push(
      `  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${findings.filter((f) => f.suppression).length}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rectify review" tests="${totalTests}" failures="${totalFailures}">\n${suites.join('\n')}\n</testsuites>`;
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Characters XML 1.0 cannot carry at all; removing exactly these is the point.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}
