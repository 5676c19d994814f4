import { didYouMean } from '../did-you-mean.js';
import type { CompiledExpression } from '../expr/compile-expression.js';
import { paramTemplates, type CompiledParam } from '../expr/params.js';
import type { PathSegment } from '../loader/source-document.js';
import type { DiagnosticCollector } from './collector.js';

/**
 * Checks every `steps.<id>` reference: the step must exist and must run before the place that
 * reads it (`beforeIndex`; Infinity for verify, which runs after every step).
 */
export function checkStepReferences(
  collector: DiagnosticCollector,
  stepIds: readonly string[],
  beforeIndex: number,
  expression: CompiledExpression,
  path: readonly PathSegment[],
  offset = 0,
): void {
  for (const reference of expression.stepReferences) {
    const index = stepIds.indexOf(reference.stepId);
    const start = offset + reference.start;
    const end = offset + reference.end;
    if (index === -1) {
      const suggestion = didYouMean(reference.stepId, stepIds);
      collector.expression(
        path,
        { code: 'unknown-step', message: `no step has the id \`${reference.stepId}\``, start, end },
        start,
        end,
        suggestion
          ? `did you mean \`steps.${suggestion}\`?`
          : `steps here: ${stepIds.join(', ') || '(none)'}`,
      );
    } else if (index >= beforeIndex) {
      collector.expression(
        path,
        {
          code: 'forward-step-reference',
          message: `step \`${reference.stepId}\` has not run yet here: its output is not available`,
          start,
          end,
        },
        start,
        end,
        'read only the outputs of steps listed earlier in `steps`',
      );
    }
  }
}

/** The same check over every template of a parameter tree. */
export function checkParamStepReferences(
  collector: DiagnosticCollector,
  stepIds: readonly string[],
  beforeIndex: number,
  param: CompiledParam,
  path: readonly PathSegment[],
): void {
  for (const found of paramTemplates(param)) {
    for (const [index, expression] of found.expressions.entries()) {
      const offset = found.offsets[index] ?? 0;
      checkStepReferences(
        collector,
        stepIds,
        beforeIndex,
        expression,
        [...path, ...found.path],
        Math.max(0, offset),
      );
    }
  }
}
