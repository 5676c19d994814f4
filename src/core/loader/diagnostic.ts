/**
 * A problem found in a user's file, with everything a person needs to fix it.
 *
 * Invariant: `line` and `column` are 1-based and point into the file as written, so an editor
 * can jump to them; `path` is the YAML path (`spec.steps[0].with.schema`).
 */
export interface Diagnostic {
  /** Stable message id (`unknown-field`, `cel-syntax`, ...): tests and tooling match on it. */
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly path: string;
  /** How to fix it, in one sentence. */
  readonly hint?: string;
  readonly severity: 'error' | 'warning';
}

/** A position range in a file, 1-based. */
export interface SourceRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Formats a YAML path from its segments: `spec.steps[0].with`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(document)' : out;
}
