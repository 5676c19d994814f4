import type { Finding } from './finding.js';

/**
 * Accepted findings, by fingerprint (`--write-baseline`, `--baseline`): adopting the review on
 * an existing project blocks only what is new. The file is JSON, reviewed like code.
 */
export interface Baseline {
  readonly version: 1;
  readonly findings: readonly {
    readonly fingerprint: string;
    readonly ruleId: string;
    readonly file: string;
    readonly message: string;
  }[];
}

export function baselineOf(findings: readonly Finding[]): Baseline {
  const seen = new Set<string>();
  const entries = findings
    .filter((f) => !f.suppression && !seen.has(f.fingerprint) && seen.add(f.fingerprint))
    .map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.file, message: f.message }))
    .sort(
      (a, b) =>
        a.file.localeCompare(b.file) ||
        a.ruleId.localeCompare(b.ruleId) ||
        a.fingerprint.localeCompare(b.fingerprint),
    );
  return { version: 1, findings: entries };
}

/** Reads a baseline file's text; throws an Error with a message for people when it is not one. */
export function parseBaseline(text: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('is not JSON');
  }
  const candidate = data as Partial<Baseline> | null;
  if (
    !candidate ||
    candidate.version !== 1 ||
    !Array.isArray(candidate.findings) ||
    !candidate.findings.every(
      (f: unknown) => typeof (f as { fingerprint?: unknown } | null)?.fingerprint === 'string',
    )
  ) {
    throw new Error(
      'is not a Rectify baseline (expected {"version": 1, "findings": [{"fingerprint": ...}]})',
    );
  }
  return candidate as Baseline;
}
