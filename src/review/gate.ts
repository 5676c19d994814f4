import type { Severity } from '../core/types.js';
import { confidenceRank, severityRank, type Finding } from './finding.js';
import type { Confidence } from './rule.js';

/** Which findings block (exit 1): unsuppressed, at or above both thresholds. Defaults: high / medium. */
export interface GateOptions {
  readonly failOn: Severity;
  readonly minConfidence: Confidence;
}

export const defaultGate: GateOptions = { failOn: 'high', minConfidence: 'medium' };

export function isBlocking(finding: Finding, gate: GateOptions = defaultGate): boolean {
  return (
    !finding.suppression &&
    severityRank(finding.severity) >= severityRank(gate.failOn) &&
    confidenceRank(finding.confidence) >= confidenceRank(gate.minConfidence)
  );
}
