import type { SourceRange } from './diagnostic.js';

/**
 * A few lines of source around a range with a caret under it, as compilers print them.
 * Pure: takes the text, returns the frame.
 */
export function codeFrame(text: string, range: SourceRange, contextLines = 2): string {
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, range.line - contextLines);
  const last = Math.min(lines.length, range.line + contextLines);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const content = (lines[n - 1] ?? '').replace(/\t/g, ' ');
    const marker = n === range.line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${content}`);
    if (n === range.line) {
      const end =
        range.endLine === range.line ? Math.max(range.endColumn, range.column + 1) : content.length + 1;
      const caretLength = Math.max(1, Math.min(end, content.length + 1) - range.column);
      out.push(
        `  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, range.column - 1))}${'^'.repeat(caretLength)}`,
      );
    }
  }
  return out.join('\n');
}
