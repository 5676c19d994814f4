import type { ActionDefinition } from '../catalog/action.js';
import { isWriteEffect } from '../catalog/action.js';
import type { ActionCatalog } from '../catalog/catalog.js';
import { endOfDate } from '../date.js';
import { didYouMean } from '../did-you-mean.js';
import { parseDuration } from '../duration.js';
import type { CompiledExpression } from '../expr/compile-expression.js';
import type { PathSegment } from '../loader/source-document.js';
import type { Workflow, WorkflowCheck } from '../model/workflow.js';
import { DiagnosticCollector } from './collector.js';
import { compileAt } from './compile-expressions.js';
import { compileActionParams } from './compile-params.js';
import {
  defaultStepTimeoutMs,
  type CompiledCheck,
  type CompiledRollback,
  type CompiledStep,
  type CompiledWorkflow,
  type CompiledWindow,
} from './compiled-workflow.js';
import { checkParamStepReferences, checkStepReferences } from './step-references.js';
import { checkTemplatesOutsideParams } from './templates-outside-params.js';

/** Milliseconds of a duration the schema already validated. */
function ms(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseDuration(text);
}

/**
 * Semantic checks and compilation of a schema-valid workflow: expressions, templates, step
 * order, actions and their parameters. All problems are reported at once.
 */
export function compileWorkflow(
  collector: DiagnosticCollector,
  workflow: Workflow,
  catalog: ActionCatalog,
): CompiledWorkflow | undefined {
  const spec = workflow.spec;
  checkTemplatesOutsideParams(collector, collector.source.value);

  const resolveAction = (id: string, path: PathSegment[], read: boolean): ActionDefinition | undefined => {
    const action = catalog.get(id);
    if (!action) {
      collector.unknownAction(path, id, catalog);
      return undefined;
    }
    if (read && action.effect !== 'read') {
      collector.add(
        path,
        'check-not-read',
        `\`${id}\` ${action.effect === 'destructive' ? 'is destructive' : 'writes'}: a check may only read`,
        'use a read action here; changes belong in `steps`',
      );
    }
    return action;
  };

  const match = compileAt(collector, spec.trigger.match, ['spec', 'trigger', 'match'], 'match', {
    boolean: true,
  });
  const dedupeKey = compileAt(
    collector,
    spec.trigger.dedupe?.key,
    ['spec', 'trigger', 'dedupe', 'key'],
    'dedupeKey',
    { boolean: false },
  );

  const compileCheck = (
    check: WorkflowCheck,
    path: PathSegment[],
    verify: boolean,
  ): CompiledCheck | undefined => {
    const action = resolveAction(check.check, [...path, 'check'], true);
    const params = compileActionParams(
      collector,
      action,
      check.with,
      [...path, 'with'],
      verify ? 'verifyParams' : 'checkParams',
    );
    const expect = compileAt(
      collector,
      check.expect,
      [...path, 'expect'],
      verify ? 'verifyExpect' : 'checkExpect',
      { boolean: true },
    );
    return action && expect
      ? { path, action, params, expect, timeoutMs: ms(check.timeout) ?? defaultStepTimeoutMs }
      : undefined;
  };

  const corroborate = (spec.corroborate ?? []).map((check, i) =>
    compileCheck(check, ['spec', 'corroborate', i], false),
  );

  const exemptions = (spec.exempt ?? []).map((exemption, i) => {
    const when = compileAt(collector, exemption.when, ['spec', 'exempt', i, 'when'], 'exempt', {
      boolean: true,
    });
    return when
      ? { when, reason: exemption.reason, owner: exemption.owner, untilMs: endOfDate(exemption.until) ?? 0 }
      : undefined;
  });

  let approvalWhen: 'always' | 'never' | CompiledExpression | undefined;
  if (spec.approval) {
    const when = spec.approval.when;
    const misspelt =
      /^[a-z]+$/.test(when) && when !== 'always' && when !== 'never'
        ? didYouMean(when, ['always', 'never'])
        : undefined;
    if (misspelt) {
      collector.add(
        ['spec', 'approval', 'when'],
        'invalid-value',
        `\`spec.approval.when\` is \`${when}\`, which is neither \`always\`, \`never\` nor a condition`,
        `did you mean \`${misspelt}\`?`,
      );
    } else {
      approvalWhen =
        when === 'always' || when === 'never'
          ? when
          : compileAt(collector, when, ['spec', 'approval', 'when'], 'approval', { boolean: true });
    }
  }

  const stepIds = spec.steps.map((step) => step.id);
  const seen = new Set<string>();
  const steps = spec.steps.map((step, index): CompiledStep | undefined => {
    const path: PathSegment[] = ['spec', 'steps', index];
    if (seen.has(step.id))
      collector.add(
        [...path, 'id'],
        'duplicate-step-id',
        `step id \`${step.id}\` is used twice`,
        'give every step its own id',
      );
    seen.add(step.id);
    const action = resolveAction(step.action, [...path, 'action'], false);
    const params = compileActionParams(collector, action, step.with, [...path, 'with'], 'stepParams');
    checkParamStepReferences(collector, stepIds, index, params, [...path, 'with']);
    const condition = compileAt(collector, step.if, [...path, 'if'], 'stepIf', { boolean: true });
    if (condition) checkStepReferences(collector, stepIds, index, condition, [...path, 'if']);
    const rollback = compileRollback(step.rollback, action, [...path, 'rollback'], index);
    const retry = step.retry && {
      attempts: step.retry.attempts,
      backoff: step.retry.backoff,
      initialMs: ms(step.retry.initial) ?? 1000,
      maxMs: ms(step.retry.max),
    };
    if (retry?.maxMs !== undefined && retry.maxMs < retry.initialMs) {
      collector.add(
        [...path, 'retry', 'max'],
        'retry-max-below-initial',
        '`retry.max` is shorter than `retry.initial`',
        'make max at least as long as initial',
      );
    }
    if (!action || !rollback) return undefined;
    return {
      id: step.id,
      index,
      path,
      definition: step,
      action,
      params,
      if: condition,
      timeoutMs: ms(step.timeout) ?? defaultStepTimeoutMs,
      retry,
      rollback,
    };
  });

  function compileRollback(
    rollback: Workflow['spec']['steps'][number]['rollback'],
    action: ActionDefinition | undefined,
    path: PathSegment[],
    index: number,
  ): CompiledRollback | undefined {
    if (rollback === undefined) {
      const inverse = action?.inverse;
      if (inverse && 'none' in inverse)
        return { kind: 'catalog', action: undefined, reasonNone: inverse.none };
      const snapshot = inverse?.snapshot ? catalog.get(inverse.snapshot.action) : undefined;
      return {
        kind: 'catalog',
        action: inverse ? catalog.get(inverse.action) : undefined,
        ...(snapshot ? { snapshot } : {}),
      };
    }
    if (rollback === 'none') return { kind: 'none', reason: undefined };
    if ('none' in rollback) return { kind: 'none', reason: rollback.reason };
    const rollbackAction = resolveAction(rollback.action, [...path, 'action'], false);
    const params = compileActionParams(
      collector,
      rollbackAction,
      rollback.with,
      [...path, 'with'],
      'stepParams',
    );
    checkParamStepReferences(collector, stepIds, index + 1, params, [...path, 'with']);
    if (rollbackAction && !isWriteEffect(rollbackAction.effect)) {
      collector.add(
        [...path, 'action'],
        'rollback-not-write',
        `\`${rollbackAction.id}\` only reads: it cannot undo anything`,
        'name the write action that restores the previous state',
      );
    }
    return rollbackAction ? { kind: 'custom', action: rollbackAction, params } : undefined;
  }

  const verify = spec.verify ? compileCheck(spec.verify, ['spec', 'verify'], true) : undefined;
  if (verify) {
    checkStepReferences(collector, stepIds, Infinity, verify.expect, ['spec', 'verify', 'expect']);
    checkParamStepReferences(collector, stepIds, Infinity, verify.params, ['spec', 'verify', 'with']);
  }

  if (collector.hasErrors) return undefined;
  const window = (value: { max: number; per: string } | undefined): CompiledWindow | undefined =>
    value && { max: value.max, perMs: ms(value.per) ?? 0 };
  const compiledSteps = steps.filter((step): step is CompiledStep => step !== undefined);
  return {
    file: collector.source.file,
    workflow,
    name: workflow.metadata.name,
    mode: spec.mode,
    match,
    dedupe:
      dedupeKey && spec.trigger.dedupe
        ? { key: dedupeKey, windowMs: ms(spec.trigger.dedupe.window) ?? 0 }
        : undefined,
    settleMs: ms(spec.trigger.settle) ?? 0,
    corroborate: corroborate.filter((check): check is CompiledCheck => check !== undefined),
    exemptions: exemptions.filter((e) => e !== undefined),
    approval:
      spec.approval && approvalWhen
        ? {
            when: approvalWhen,
            approvers: spec.approval.approvers,
            timeoutMs: ms(spec.approval.timeout),
            onTimeout: spec.approval.onTimeout,
          }
        : undefined,
    limits: {
      concurrency: spec.limits?.concurrency,
      rate: window(spec.limits?.rate),
      blastRadius: window(spec.limits?.blastRadius),
      onExceeded: spec.limits?.onExceeded ?? 'pause',
    },
    steps: compiledSteps,
    verify: verify && spec.verify ? { ...verify, afterMs: ms(spec.verify.after) ?? 0 } : undefined,
    onFailure: spec.onFailure,
    writes: compiledSteps.some((step) => isWriteEffect(step.action.effect)),
  };
}
