import { compileExpression, type CompiledExpression, type ExpressionProblem } from './compile-expression.js';
import { celToString } from './values.js';
import type { ExpressionScope } from './variables.js';

/**
 * `${{ <CEL> }}` templates in parameter values.
 *
 * Invariant: a template only ever produces a parameter VALUE. A whole-value template keeps the
 * expression's type (a list stays a list); one inside a longer string is converted to a string.
 * Nothing here builds a command, a query or a path: connectors bind and escape values themselves.
 */
export type CompiledTemplate =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'whole'; readonly expression: CompiledExpression; readonly offsets: readonly number[] }
  | {
      readonly kind: 'interpolated';
      readonly parts: readonly (string | CompiledExpression)[];
      /** Where each expression part starts in the string value, in order: for carets. */
      readonly offsets: readonly number[];
    };

export interface TemplateProblem extends ExpressionProblem {
  /** Offset of the problem in the whole string value (not only in the expression). */
  readonly valueStart: number;
  readonly valueEnd: number;
}

const open = '${{';
const close = '}}';

/** True when a string contains a template opening. */
export function hasTemplate(text: string): boolean {
  return text.includes(open);
}

/** Compiles every template in a string; all problems at once. */
export function compileTemplate(
  text: string,
  scope: ExpressionScope,
): { template?: CompiledTemplate; problems: TemplateProblem[] } {
  if (!hasTemplate(text)) return { template: { kind: 'literal', value: text }, problems: [] };
  const parts: (string | CompiledExpression)[] = [];
  const offsets: number[] = [];
  const problems: TemplateProblem[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const start = text.indexOf(open, cursor);
    if (start === -1) {
      parts.push(text.slice(cursor));
      break;
    }
    if (start > cursor) parts.push(text.slice(cursor, start));
    const end = text.indexOf(close, start + open.length);
    if (end === -1) {
      problems.push({
        code: 'cel-syntax',
        message: 'template is not closed: `${{` without `}}`',
        start: 0,
        end: 0,
        valueStart: start,
        valueEnd: text.length,
      });
      break;
    }
    const inner = text.slice(start + open.length, end);
    const leading = inner.length - inner.trimStart().length;
    const body = inner.trim();
    const bodyOffset = start + open.length + leading;
    if (body === '') {
      problems.push({
        code: 'cel-syntax',
        message: 'template is empty',
        start: 0,
        end: 0,
        valueStart: start,
        valueEnd: end + close.length,
      });
    } else {
      const result = compileExpression(body, scope, { boolean: false });
      if (result.ok) {
        parts.push(result.expression);
        offsets.push(bodyOffset);
      } else
        problems.push({
          ...result.problem,
          valueStart: bodyOffset + result.problem.start,
          valueEnd: bodyOffset + Math.max(result.problem.end, result.problem.start + 1),
        });
    }
    cursor = end + close.length;
  }
  if (problems.length > 0) return { problems };
  const [only] = parts;
  if (parts.length === 1 && only !== undefined && typeof only !== 'string')
    return { template: { kind: 'whole', expression: only, offsets }, problems };
  return { template: { kind: 'interpolated', parts, offsets }, problems };
}

/** Renders a compiled template against a CEL-form context. */
export function renderTemplate(template: CompiledTemplate, context: Record<string, unknown>): unknown {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'whole':
      return template.expression.evaluate(context);
    case 'interpolated':
      return template.parts
        .map((part) => (typeof part === 'string' ? part : celToString(part.evaluate(context))))
        .join('');
  }
}

/** The expressions of a template, for analysis (step references, data flow). */
export function templateExpressions(template: CompiledTemplate): CompiledExpression[] {
  if (template.kind === 'whole') return [template.expression];
  if (template.kind === 'interpolated')
    return template.parts.filter((part): part is CompiledExpression => typeof part !== 'string');
  return [];
}
