import type { Severity } from '../core/types.js';
import { severities } from '../core/types.js';
import type { Confidence } from './rule.js';

/** One result of the review: a rule's report placed in a file, with its gate-relevant facts. */
export interface Finding {
  readonly ruleId: string;
  readonly messageId: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** YAML path in the file. */
  readonly path: string;
  readonly remediation: string;
  /** Stable across re-indentation and lines added above (see fingerprint.ts). */
  readonly fingerprint: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
  /** Set when an inline comment or the baseline accepts the finding: it is kept, never dropped. */
  readonly suppression?: {
    readonly kind: 'inline' | 'baseline';
    readonly reason: string;
    readonly until?: string;
  };
}

export const confidences = ['low', 'medium', 'high'] as const;

export function severityRank(severity: Severity): number {
  return severities.indexOf(severity);
}

export function confidenceRank(confidence: Confidence): number {
  return confidences.indexOf(confidence);
}
