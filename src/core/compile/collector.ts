import type { ActionCatalog } from '../catalog/catalog.js';
import type { ExpressionProblem } from '../expr/compile-expression.js';
import type { Diagnostic } from '../loader/diagnostic.js';
import type { PathSegment, SourceDocument } from '../loader/source-document.js';

const expressionHints: Record<string, string> = {
  'cel-syntax': 'fix the CEL syntax (https://cel.dev)',
  'cel-type': 'check the names: event has id, source, type, time, severity, resource and data',
  'cel-not-boolean': 'make it a comparison, e.g. event.resource.schema == "public"',
  'cel-too-large': 'split the condition or simplify it',
};

/** Collects the diagnostics of one file, pointing each at its place in the source. */
export class DiagnosticCollector {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly source: SourceDocument) {}

  add(
    path: readonly PathSegment[],
    code: string,
    message: string,
    hint?: string,
    target: 'value' | 'key' = 'value',
  ): void {
    this.diagnostics.push(this.source.at(path, code, message, hint, this.source.rangeOf(path, target)));
  }

  push(...diagnostics: readonly Diagnostic[]): void {
    this.diagnostics.push(...diagnostics);
  }

  /**
   * A problem inside an expression: `start`/`end` are offsets in the string value at `path`,
   * mapped back to the file so the caret lands on the offending token.
   */
  expression(
    path: readonly PathSegment[],
    problem: Pick<ExpressionProblem, 'message' | 'start' | 'end' | 'hint'> & { code: string },
    start = problem.start,
    end = problem.end,
    hint?: string,
  ): void {
    const from = this.source.scalarOffset(path, start);
    const to = this.source.scalarOffset(path, Math.max(start, end - 1)) + 1;
    const where = this.source.at(path, '', '', undefined).path;
    this.diagnostics.push(
      this.source.at(
        path,
        problem.code,
        `\`${where}\`: ${problem.message}`,
        hint ?? problem.hint ?? expressionHints[problem.code],
        { startOffset: from, endOffset: to },
      ),
    );
  }

  /** An action id the catalog does not have, with the closest one it does. */
  unknownAction(
    path: readonly PathSegment[],
    id: string,
    catalog: ActionCatalog,
    target: 'value' | 'key' = 'value',
  ): void {
    const suggestion = catalog.suggest(id);
    this.add(
      path,
      'unknown-action',
      `unknown action \`${id}\``,
      suggestion ? `did you mean \`${suggestion}\`?` : 'run `rectify actions` to list the catalog',
      target,
    );
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}
