import type { Diagnostic } from '../core/loader/diagnostic.js';
import type { LoadResult } from '../core/loader/load-document.js';
import type { Style } from './style.js';

/** One diagnostic as a compiler prints it: location, code, message, code frame, hint. */
export function formatDiagnostic(diagnostic: Diagnostic, frame: string | undefined, style: Style): string {
  const label = diagnostic.severity === 'error' ? style.red('error') : style.yellow('warning');
  const lines = [
    `${style.cyan(`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`)} ${label} ${style.dim(diagnostic.code)} ${diagnostic.message}`,
  ];
  if (frame) lines.push(style.dim(frame));
  if (diagnostic.hint) lines.push(`  ${style.bold('hint:')} ${diagnostic.hint.replace(/\n/g, '\n        ')}`);
  return lines.join('\n');
}

/** The diagnostics of a set of results, with frames from each file's own source. */
export function formatResults(
  results: readonly LoadResult[],
  extra: readonly Diagnostic[],
  style: Style,
): string[] {
  const out: string[] = [];
  const sources = new Map(results.map((r) => [r.file, r.source]));
  const all = [...results.flatMap((r) => r.diagnostics), ...extra];
  for (const diagnostic of all) {
    const source = sources.get(diagnostic.file);
    out.push(
      formatDiagnostic(
        diagnostic,
        source && source.text !== '' ? source.frame(diagnostic) : undefined,
        style,
      ),
    );
  }
  return out;
}

/** The JSON form of a diagnostic (stable: documented in docs/cli.md). */
export function diagnosticJson(diagnostic: Diagnostic): Record<string, unknown> {
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    file: diagnostic.file,
    line: diagnostic.line,
    column: diagnostic.column,
    endLine: diagnostic.endLine,
    endColumn: diagnostic.endColumn,
    path: diagnostic.path,
    ...(diagnostic.hint ? { hint: diagnostic.hint } : {}),
  };
}
