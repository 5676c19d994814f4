import { compileExpression, type CompiledExpression } from '../expr/compile-expression.js';
import type { ExpressionScope } from '../expr/variables.js';
import type { PathSegment } from '../loader/source-document.js';
import type { DiagnosticCollector } from './collector.js';

/** Compiles the expression at `path`, reporting any problem at its place in the file. */
export function compileAt(
  collector: DiagnosticCollector,
  source: string | undefined,
  path: readonly PathSegment[],
  scope: ExpressionScope,
  options: { boolean: boolean },
): CompiledExpression | undefined {
  if (source === undefined) return undefined;
  const result = compileExpression(source, scope, options);
  if (result.ok) return result.expression;
  collector.expression(path, result.problem);
  return undefined;
}
