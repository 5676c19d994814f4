import type { Severity } from '../../core/types.js';
import { isBlocking } from '../gate.js';
import type { Rule } from '../rule.js';
import { ruleDocPage } from '../rule-docs.js';
import type { ReviewReport } from './review-report.js';

/**
 * SARIF 2.1.0, as GitHub code scanning reads it: rules with short and full descriptions, help
 * and `security-severity`; results with a region and `partialFingerprints` built from the YAML
 * path, not from lines, so they survive re-indentation; suppressed results kept, marked with
 * `suppressions`.
 */
export function formatSarif(report: ReviewReport): string {
  const rules = report.rules;
  const index = new Map(rules.map((rule, i) => [rule.meta.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            semanticVersion: report.tool.version,
            informationUri: 'https://rectify.dev',
            rules: rules.map(sarifRule),
          },
        },
        columnKind: 'unicodeCodePoints',
        originalUriBaseIds: { SRCROOT: { description: { text: 'The folder rectify review ran in.' } } },
        artifacts: report.files.map((file) => ({ location: { uri: uri(file), uriBaseId: 'SRCROOT' } })),
        results: report.findings.map((finding) => ({
          ruleId: finding.ruleId,
          ruleIndex: index.get(finding.ruleId) ?? -1,
          level: isBlocking(finding, report.gate) ? 'error' : level(finding.severity),
          message: { text: `${finding.message}. Fix: ${finding.remediation}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: {
                  uri: uri(finding.file),
                  uriBaseId: 'SRCROOT',
                  index: report.files.indexOf(finding.file),
                },
                region: {
                  startLine: finding.line,
                  startColumn: finding.column,
                  endLine: finding.endLine,
                  endColumn: finding.endColumn,
                },
              },
              logicalLocations: [{ fullyQualifiedName: finding.path, kind: 'member' }],
            },
          ],
          partialFingerprints: { 'rectifyFindingHash/v1': finding.fingerprint },
          ...(finding.suppression
            ? {
                suppressions: [
                  {
                    kind: finding.suppression.kind === 'inline' ? 'inSource' : 'external',
                    status: 'accepted',
                    justification: finding.suppression.until
                      ? `${finding.suppression.reason} (until ${finding.suppression.until})`
                      : finding.suppression.reason,
                  },
                ],
              }
            : {}),
          properties: {
            severity: finding.severity,
            confidence: finding.confidence,
            ...(finding.evidence ? { evidence: finding.evidence } : {}),
          },
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

function sarifRule(rule: Rule) {
  const { meta } = rule;
  return {
    id: meta.id,
    name: pascal(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: {
      text: `${meta.remediation.summary}\n\nBefore:\n${meta.remediation.before}\n\nAfter:\n${meta.remediation.after}`,
      markdown: ruleDocPage(rule),
    },
    defaultConfiguration: { level: level(meta.severity) },
    properties: {
      'security-severity': securitySeverity[meta.severity],
      precision: meta.confidence === 'high' ? 'high' : meta.confidence === 'medium' ? 'medium' : 'low',
      'problem.severity':
        meta.severity === 'critical' || meta.severity === 'high'
          ? 'error'
          : meta.severity === 'medium'
            ? 'warning'
            : 'recommendation',
      tags: ['security', meta.id.split('/')[0] ?? 'rectify'],
    },
  };
}

/** GitHub maps security-severity to its levels: >= 9 critical, 7-8.9 high, 4-6.9 medium, < 4 low. */
const securitySeverity: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

function level(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'critical' || severity === 'high'
    ? 'error'
    : severity === 'medium'
      ? 'warning'
      : 'note';
}

function pascal(id: string): string {
  return id
    .split(/[/-]/)
    .map((part) => (part[0] ?? '').toUpperCase() + part.slice(1))
    .join('');
}

/** A relative path as a URI reference: forward slashes, each segment percent-encoded. */
function uri(file: string): string {
  return file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}
