import { ParseError, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import { didYouMean } from '../did-you-mean.js';
import { childrenOf } from './ast.js';
import { environmentFor, expressionLimits } from './environment.js';
import { fromCel } from './values.js';
import { scopeVariables, type ExpressionScope } from './variables.js';

/** Where a compile problem lies inside the expression text (0-based offsets). */
export interface ExpressionProblem {
  readonly code: 'cel-syntax' | 'cel-type' | 'cel-not-boolean' | 'cel-too-large';
  readonly message: string;
  readonly start: number;
  readonly end: number;
  /** How to fix it, when more can be said than the generic hint for the code. */
  readonly hint?: string;
}

/** A reference to `steps.<id>` inside an expression, with its offset, for order checks. */
export interface StepReference {
  readonly stepId: string;
  readonly start: number;
  readonly end: number;
}

/** An expression parsed and type-checked once, evaluated many times. */
export interface CompiledExpression {
  readonly source: string;
  readonly scope: ExpressionScope;
  /** The CEL type the checker inferred (`bool`, `string`, `dyn`, ...). */
  readonly type: string;
  readonly ast: ASTNode;
  readonly stepReferences: readonly StepReference[];
  /**
   * Evaluates against a context whose values are already in CEL form (see `toCel`), and returns
   * plain JavaScript. Throws the library's EvaluationError on a runtime error (a missing field).
   */
  evaluate(context: Record<string, unknown>): unknown;
}

export type CompileResult =
  { ok: true; expression: CompiledExpression } | { ok: false; problem: ExpressionProblem };

/**
 * Parses and type-checks an expression for a place in a workflow.
 * @example compileExpression('event.resource.schema == "public"', 'match', { boolean: true })
 */
export function compileExpression(
  source: string,
  scope: ExpressionScope,
  options: { boolean: boolean },
): CompileResult {
  if (source.length > expressionLimits.maxLength) {
    return {
      ok: false,
      problem: {
        code: 'cel-too-large',
        message: `expression is longer than ${expressionLimits.maxLength} characters`,
        start: 0,
        end: 0,
      },
    };
  }
  const env = environmentFor(scopeVariables[scope]);
  let parsed: ParseResult;
  try {
    parsed = env.parse(source);
  } catch (error) {
    if (error instanceof ParseError || isCelError(error)) {
      const { start, end } = rangeOf(error, source);
      const code = /limit|exceed|maximum/i.test(error.message) ? 'cel-too-large' : 'cel-syntax';
      return { ok: false, problem: { code, message: firstLine(error.message), start, end } };
    }
    throw error;
  }
  const checked = parsed.check();
  if (!checked.valid) {
    const error = checked.error;
    const { start, end } = error ? rangeOf(error, source) : { start: 0, end: source.length };
    const message = firstLine(error?.message ?? 'invalid expression');
    const hint = typeErrorHint(message, scope, source);
    return {
      ok: false,
      problem: {
        code: error?.name === 'ParseError' ? 'cel-syntax' : 'cel-type',
        message,
        start,
        end,
        ...(hint ? { hint } : {}),
      },
    };
  }
  const type = checked.type ?? 'dyn';
  if (options.boolean && type !== 'bool' && type !== 'dyn') {
    return {
      ok: false,
      problem: {
        code: 'cel-not-boolean',
        message: `condition must be a boolean, but this expression is of type ${type}`,
        start: 0,
        end: source.length,
      },
    };
  }
  const badPattern = findInvalidPattern(parsed.ast);
  if (badPattern) return { ok: false, problem: badPattern };
  const expression: CompiledExpression = {
    source,
    scope,
    type,
    ast: parsed.ast,
    stepReferences: findStepReferences(parsed.ast),
    evaluate: (context) => fromCel(parsed(context)),
  };
  return { ok: true, expression };
}

function isCelError(error: unknown): error is Error & { range?: { start: number; end: number } } {
  return (
    error instanceof Error &&
    (error.name === 'ParseError' || error.name === 'TypeError' || error.name === 'EvaluationError')
  );
}

function rangeOf(
  error: { range?: { start: number; end: number } | undefined },
  source: string,
): { start: number; end: number } {
  const start = Math.min(Math.max(0, error.range?.start ?? 0), source.length);
  const end = Math.min(Math.max(start, error.range?.end ?? start), source.length);
  return { start, end };
}

/** cel-js appends its own code frame; ours points into the YAML file instead. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

/** Every `steps.<id>` and `steps["<id>"]` in an expression. */
export function findStepReferences(root: ASTNode): StepReference[] {
  const found: StepReference[] = [];
  const visit = (node: ASTNode): void => {
    if ((node.op === '.' || node.op === '.?') && isStepsRoot(node.args[0])) {
      found.push({ stepId: node.args[1], start: node.range.start, end: node.range.end });
    } else if (
      (node.op === '[]' || node.op === '[?]') &&
      isStepsRoot(node.args[0]) &&
      node.args[1].op === 'value' &&
      typeof node.args[1].args === 'string'
    ) {
      found.push({ stepId: node.args[1].args, start: node.range.start, end: node.range.end });
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  return found;
}

function isStepsRoot(node: ASTNode): boolean {
  return node.op === 'id' && node.args === 'steps';
}

const knownFields = [
  'id',
  'source',
  'type',
  'time',
  'severity',
  'resource',
  'data',
  'workflow',
  'version',
  'mode',
];

/** A precise hint for the two commonest type errors: a misspelt variable or field. */
function typeErrorHint(message: string, scope: ExpressionScope, source: string): string | undefined {
  const variables = scopeVariables[scope];
  // `steps.make-private.output` reads as `steps.make - private.output`: CEL names have no hyphens.
  const hyphenated = /steps\.([a-z][a-z0-9]*(?:-[a-z0-9]+)+)/.exec(source)?.[1];
  if (hyphenated) return `CEL names cannot contain hyphens: write steps["${hyphenated}"].output`;
  const unknownVariable = /Unknown variable: (\w+)/.exec(message)?.[1];
  if (unknownVariable) {
    const suggestion = didYouMean(unknownVariable, variables);
    return `${suggestion ? `did you mean \`${suggestion}\`? ` : ''}variables here: ${variables.join(', ')}`;
  }
  const unknownField = /No such key: (\w+)/.exec(message)?.[1];
  if (unknownField) {
    const suggestion = didYouMean(unknownField, knownFields);
    return suggestion
      ? `did you mean \`${suggestion}\`?`
      : 'event has id, source, type, time, severity, resource and data; run has id, workflow, version and mode';
  }
  return undefined;
}

/**
 * A literal pattern given to `matches()` must compile now, not fail on the first event. Patterns
 * run on JavaScript's RegExp; a pattern from event data is never compiled here (and is the
 * reviewer's concern).
 */
function findInvalidPattern(root: ASTNode): ExpressionProblem | undefined {
  let found: ExpressionProblem | undefined;
  const visit = (node: ASTNode): void => {
    if (found) return;
    if (node.op === 'rcall' && node.args[0] === 'matches') {
      const [pattern] = node.args[2];
      if (pattern?.op === 'value' && typeof pattern.args === 'string') {
        try {
          new RegExp(pattern.args); // as cel-js compiles it (functions.js: new RegExp(pattern))
        } catch (error) {
          const reason =
            error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : 'invalid';
          found = {
            code: 'cel-type',
            message: `invalid regular expression: ${reason}`,
            start: pattern.range.start,
            end: pattern.range.end,
          };
        }
      }
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  return found;
}
