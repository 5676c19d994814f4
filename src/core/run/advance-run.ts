import { isWriteEffect, type ActionDefinition } from '../catalog/action.js';
import type { CompiledCheck, CompiledStep, CompiledWorkflow } from '../compile/compiled-workflow.js';
import { compileExpression, type CompiledExpression } from '../expr/compile-expression.js';
import { compileParams, type CompiledParam } from '../expr/params.js';
import { toCel } from '../expr/values.js';
import type { RunOutcome } from '../types.js';
import { retryDelay } from './backoff.js';
import type { PlannedAction, RunCommand, RunFeedback } from './commands.js';
import { celVariables, holds, resolve, type RunContext } from './run-context.js';
import type { RunState, StepRecord } from './run-state.js';

/**
 * The run state machine: given a run's durable state and what happened to its last command,
 * the next state and the next command. Pure and deterministic: no I/O, no clock (`context.now`),
 * so every path is testable without a database or a connector, and a run resumed after a crash
 * takes exactly the decision it would have taken.
 *
 * Invariants:
 * - a write action is only ever commanded in `enforce` mode, with the kill switch off, after every
 *   corroborate check held and any approval was granted, and after its snapshot was read;
 * - an action whose outcome is unknown (timeout or crash) is retried only when it is idempotent;
 *   otherwise the run ends `needs_attention`: it never guesses;
 * - compensation undoes done steps in reverse order; if undoing fails the run ends
 *   `needs_attention`, never silently half-undone.
 */
export function advanceRun(
  workflow: CompiledWorkflow,
  context: RunContext,
  state: RunState,
  feedback?: RunFeedback,
): { state: RunState; command: RunCommand } {
  let current = state;
  let pending = feedback;
  if (feedback?.kind === 'cancel' || feedback?.kind === 'rollback') {
    const redirected = personRequest(workflow, state, feedback);
    if ('command' in redirected) return redirected;
    current = redirected.state;
    pending = undefined;
  }
  // Each pass either returns a command or moves to the next phase; the number of phases and
  // items bounds the loop.
  for (let guard = 0; guard < 10_000; guard++) {
    const result = phaseHandlers[current.phase](workflow, context, current, pending);
    pending = undefined;
    if ('command' in result) return result;
    current = result.state;
  }
  throw new Error(`run ${context.run.id} did not settle on a command: a bug in the run state machine`);
}

type Step = { state: RunState; command: RunCommand } | { state: RunState };
type Handler = (
  workflow: CompiledWorkflow,
  context: RunContext,
  state: RunState,
  feedback: RunFeedback | undefined,
) => Step;

const finish = (state: RunState, outcome: RunOutcome, reason: string): Step => ({
  state: { ...state, phase: 'done', outcome, reason, wakeAt: undefined },
  command: { kind: 'finish', outcome, reason },
});

/**
 * A person's cancel or rollback. Cancel: nothing more is done; steps already done are undone when
 * the workflow compensates (a half-applied remediation is not left behind). Rollback: only of a
 * finished run; its done steps are undone in reverse order and the run ends `rolled-back`.
 * A request that does not apply (cancel of a finished run) changes nothing.
 */
function personRequest(
  workflow: CompiledWorkflow,
  state: RunState,
  request: { kind: 'cancel' | 'rollback'; by: string },
): Step {
  const doneSteps = state.done.filter((id) => state.steps[id]?.status === 'done');
  if (request.kind === 'rollback') {
    if (state.phase !== 'done') return { state };
    return {
      state: {
        ...state,
        phase: 'compensate',
        index: 0,
        rollback: { by: request.by },
        failure: { message: `rolled back on demand by ${request.by}` },
      },
    };
  }
  if (state.phase === 'done' || state.phase === 'compensate') return { state };
  const message = `cancelled by ${request.by}`;
  if (doneSteps.length > 0 && workflow.onFailure === 'compensate')
    return { state: { ...state, phase: 'compensate', index: 0, failure: { message } } };
  return finish(
    state,
    'cancelled',
    doneSteps.length > 0 ? `${message}; done steps were left as they are (onFailure: halt)` : message,
  );
}

const sleep = (state: RunState, until: number, reason: 'settle' | 'retry' | 'verify-delay'): Step => ({
  state: { ...state, wakeAt: until },
  command: { kind: 'sleep', until, reason },
});

const acts = (context: RunContext) => context.run.mode === 'enforce';

const phaseHandlers: Record<RunState['phase'], Handler> = {
  start(workflow, context, state) {
    if (workflow.settleMs > 0)
      return sleep({ ...state, phase: 'settle' }, context.createdAt + workflow.settleMs, 'settle');
    return { state: { ...state, phase: 'corroborate', index: 0 } };
  },

  settle(workflow, context, state, feedback) {
    if (!feedback && state.wakeAt !== undefined && context.now < state.wakeAt)
      return sleep(state, state.wakeAt, 'settle');
    // Guards again after settling: something else may have fixed or exempted the resource meanwhile.
    const variables = celVariables(context, state);
    if (workflow.match && !holds(workflow.match, { event: variables.event, now: variables.now }).holds) {
      return finish(state, 'skipped', 'the trigger no longer matches after settling');
    }
    for (const exemption of workflow.exemptions) {
      if (
        context.now < exemption.untilMs &&
        holds(exemption.when, { event: variables.event, now: variables.now }).holds
      ) {
        return finish(state, 'exempted', `exempted after settling: ${exemption.reason} (${exemption.owner})`);
      }
    }
    return { state: { ...state, phase: 'corroborate', index: 0, wakeAt: undefined } };
  },

  corroborate(workflow, context, state, feedback) {
    const check = workflow.corroborate[state.index];
    if (!check) return { state: { ...state, phase: 'approval', index: 0 } };
    if (feedback?.kind === 'read-result') {
      if (!feedback.ok)
        return finish(
          state,
          'failed',
          `corroborate[${state.index}] could not read ${check.action.id}: ${feedback.message}`,
        );
      const verdict = holds(check.expect, celVariables(context, state, { result: toCel(feedback.output) }));
      if (!verdict.holds) {
        return finish(
          state,
          'skipped',
          `corroborate[${state.index}] did not hold: ${check.expect.source}${verdict.error ? ` (${verdict.error})` : ''}`,
        );
      }
      return { state: { ...state, index: state.index + 1 } };
    }
    return readCheck(check, 'corroborate', context, state);
  },

  approval(workflow, context, state, feedback) {
    const next: Step = { state: { ...state, phase: 'steps', index: 0, attempt: 1 } };
    const approval = workflow.approval;
    // Dry-run and shadow change nothing, so there is nothing to approve.
    if (!approval || !acts(context)) return next;
    if (feedback?.kind === 'approval') {
      const decided = {
        ...state,
        approval: {
          ...state.approval,
          decision: feedback.decision,
          ...(feedback.by ? { by: feedback.by } : {}),
        },
      };
      if (feedback.decision === 'approve')
        return { state: { ...decided, phase: 'steps', index: 0, attempt: 1 } };
      if (feedback.decision === 'reject')
        return finish(decided, 'rejected', `rejected${feedback.by ? ` by ${feedback.by}` : ''}`);
      if (approval.onTimeout === 'proceed')
        return { state: { ...decided, phase: 'steps', index: 0, attempt: 1 } };
      return finish(decided, 'rejected', 'approval timed out (onTimeout: abort)');
    }
    // Fails closed: a condition that cannot be evaluated (a missing field, not a boolean) asks a
    // person, rather than letting a write through unapproved.
    const verdict =
      approval.when === 'always' || approval.when === 'never'
        ? { holds: approval.when === 'always' }
        : holds(approval.when, celVariables(context, state));
    const required = verdict.holds || verdict.error !== undefined;
    if (!required) return next;
    const deadline =
      state.approval?.deadline ??
      (approval.timeoutMs !== undefined ? context.now + approval.timeoutMs : undefined);
    return {
      state: { ...state, approval: { ...(deadline !== undefined ? { deadline } : {}) } },
      command: { kind: 'await-approval', deadline, preview: previewActions(workflow, context, state) },
    };
  },

  steps(workflow, context, state, feedback) {
    const step = workflow.steps[state.index];
    if (!step) return { state: { ...state, phase: 'verify', index: 0, attempt: 1 } };
    const record: StepRecord = state.steps[step.id] ?? { status: 'pending', attempts: 0 };
    const withRecord = (changes: Partial<StepRecord>): RunState => ({
      ...state,
      steps: { ...state.steps, [step.id]: { ...record, ...changes } },
    });

    if (feedback?.kind === 'read-result') {
      if (!feedback.ok)
        return failStep(
          workflow,
          withRecord({ status: 'failed', error: feedback.message }),
          step.id,
          `the snapshot read before ${step.id} failed: ${feedback.message}`,
        );
      return actOrPlan(workflow, context, withRecord({ snapshot: feedback.output }), step);
    }
    if (feedback?.kind === 'act-result') {
      if (feedback.ok) {
        const done = withRecord({ status: 'done', output: feedback.output, attempts: state.attempt });
        return {
          state: {
            ...done,
            done: [...state.done, step.id],
            index: state.index + 1,
            attempt: 1,
            wakeAt: undefined,
          },
        };
      }
      return afterActFailure(
        workflow,
        context,
        withRecord({ attempts: state.attempt, error: feedback.message }),
        step,
        feedback.failure,
        feedback.message,
      );
    }
    if (feedback?.kind === 'interrupted') {
      // The process died after recording the intent: an idempotent action is simply issued again.
      if (step.action.idempotent) return actOrPlan(workflow, context, state, step);
      return finish(
        state,
        'needs_attention',
        `the engine stopped while ${step.id} (${step.action.id}) was under way; it is not idempotent, so whether it took effect must be checked by a person`,
      );
    }
    if (feedback?.kind === 'woke') return actOrPlan(workflow, context, { ...state, wakeAt: undefined }, step);

    if (step.if) {
      const condition = holds(step.if, celVariables(context, state));
      if (condition.error)
        return failStep(
          workflow,
          withRecord({ status: 'failed', error: condition.error }),
          step.id,
          `\`if\` of ${step.id} could not be evaluated: ${condition.error}`,
        );
      if (!condition.holds)
        return { state: { ...withRecord({ status: 'skipped' }), index: state.index + 1, attempt: 1 } };
    }
    return actOrPlan(workflow, context, state, step);
  },

  verify(workflow, context, state, feedback) {
    const verify = workflow.verify;
    const success: RunOutcome = acts(context) ? 'succeeded' : 'dry-run';
    if (!acts(context)) return finish(state, 'dry-run', 'dry-run: planned actions recorded, nothing changed');
    if (!verify) return finish(state, success, 'all steps done');
    if (feedback?.kind === 'read-result') {
      // A verify read that fails says nothing about the fix: report, but do not undo a likely-good change.
      if (!feedback.ok)
        return finish(state, 'unverified', `verify could not read ${verify.action.id}: ${feedback.message}`);
      const verdict = holds(verify.expect, celVariables(context, state, { result: toCel(feedback.output) }));
      if (verdict.holds) return finish(state, 'succeeded', 'all steps done and verified');
      const failed = {
        ...state,
        failure: { message: `verify did not hold: ${verify.expect.source}`, unverified: true },
      };
      if (workflow.onFailure === 'compensate') return { state: { ...failed, phase: 'compensate', index: 0 } };
      return finish(failed, 'unverified', failed.failure.message);
    }
    if (verify.afterMs > 0 && state.wakeAt === undefined && feedback?.kind !== 'woke')
      return sleep(state, context.now + verify.afterMs, 'verify-delay');
    if (feedback === undefined && state.wakeAt !== undefined && context.now < state.wakeAt)
      return sleep(state, state.wakeAt, 'verify-delay');
    return readCheck(verify, 'verify', context, { ...state, wakeAt: undefined });
  },

  compensate(workflow, context, state, feedback) {
    const order = [...state.done].reverse();
    const stepId = order[state.index];
    const reason = state.failure?.message ?? 'a step failed';
    if (stepId === undefined) {
      const undone = Object.values(state.steps).filter((r) => r.status === 'compensated').length;
      const notUndone = Object.entries(state.steps)
        .filter(([, r]) => r.status === 'not-undone')
        .map(([id]) => id);
      const rest = notUndone.length > 0 ? `; not undoable: ${notUndone.join(', ')}` : '';
      // A rollback that could not undo every step leaves a mixed state: a person must look.
      if (state.rollback)
        return notUndone.length > 0
          ? finish(state, 'needs_attention', `${reason}; undid ${undone} step(s)${rest}`)
          : finish(state, 'rolled-back', `${reason}; undid ${undone} step(s)`);
      if (undone === 0)
        return finish(
          state,
          state.failure?.unverified ? 'unverified' : 'failed',
          `${reason}${state.done.length > 0 ? '; nothing could be undone' : ''}${rest}`,
        );
      return finish(state, 'compensated', `${reason}; undid ${undone} step(s)${rest}`);
    }
    const step = workflow.steps.find((s) => s.id === stepId);
    const record = state.steps[stepId];
    // Only what is still done is undone (a step already undone, or never applied, is passed over).
    if (!step || record?.status !== 'done') return { state: { ...state, index: state.index + 1 } };
    const mark = (status: StepRecord['status']): RunState => ({
      ...state,
      index: state.index + 1,
      steps: { ...state.steps, [stepId]: { ...record, status } },
    });

    if (feedback?.kind === 'act-result') {
      if (feedback.ok) return { state: mark('compensated') };
      return finish(
        state,
        'needs_attention',
        `undoing ${stepId} failed (${feedback.message}) after: ${reason}. Steps before it were not undone; a person must decide.`,
      );
    }
    if (feedback?.kind === 'interrupted') {
      const undoing = undoFor(step, record, context, state);
      if (!undoing || 'error' in undoing || 'unchanged' in undoing || !undoing.action.idempotent) {
        return finish(
          state,
          'needs_attention',
          `the engine stopped while undoing ${stepId}; whether it was undone is unknown`,
        );
      }
    }
    const undo = undoFor(step, record, context, state);
    if (undo === undefined) return { state: mark('not-undone') };
    // The snapshot shows the step changed nothing that needs undoing: the state is as before.
    if ('unchanged' in undo) return { state: mark('compensated') };
    if ('error' in undo) return finish(state, 'needs_attention', `cannot undo ${stepId}: ${undo.error}`);
    if (context.killSwitch)
      return finish(state, 'needs_attention', `the kill switch is on: ${stepId} was not undone`);
    return {
      state,
      command: {
        kind: 'act',
        purpose: 'compensate',
        stepId,
        action: undo.action,
        params: undo.params,
        attempt: 1,
        idempotencyKey: `${context.run.id}:${stepId}:undo`,
        timeoutMs: step.timeoutMs,
      },
    };
  },

  done(_workflow, _context, state) {
    return {
      state,
      command: { kind: 'finish', outcome: state.outcome ?? 'failed', reason: state.reason ?? 'finished' },
    };
  },
};

function readCheck(
  check: CompiledCheck,
  purpose: 'corroborate' | 'verify',
  context: RunContext,
  state: RunState,
): Step {
  const params = resolve(check.params, celVariables(context, state));
  if (!params.ok)
    return finish(state, 'failed', `${purpose} parameters could not be resolved: ${params.error}`);
  return {
    state,
    command: {
      kind: 'read',
      purpose,
      action: check.action,
      params: params.value as Record<string, unknown>,
      timeoutMs: check.timeoutMs,
    },
  };
}

/** Resolves and validates a step's parameters, takes the snapshot, then acts (or, in dry-run, plans). */
function actOrPlan(
  workflow: CompiledWorkflow,
  context: RunContext,
  state: RunState,
  step: CompiledStep,
): Step {
  const record: StepRecord = state.steps[step.id] ?? { status: 'pending', attempts: 0 };
  const params =
    record.params !== undefined
      ? { ok: true as const, value: record.params }
      : resolve(step.params, celVariables(context, state));
  if (!params.ok)
    return failStep(
      workflow,
      state,
      step.id,
      `parameters of ${step.id} could not be resolved: ${params.error}`,
    );
  const valid = step.action.input.safeParse(params.value);
  if (!valid.success) {
    const problem = valid.error.issues
      .map((i) => `${i.path.join('.') || '(parameters)'}: ${i.message}`)
      .join('; ');
    return failStep(
      workflow,
      state,
      step.id,
      `parameters of ${step.id} are not valid for ${step.action.id}: ${problem}`,
    );
  }
  const resolved = valid.data as Record<string, unknown>;
  const withParams: RunState = {
    ...state,
    steps: { ...state.steps, [step.id]: { ...record, params: resolved } },
  };
  if (isWriteEffect(step.action.effect)) {
    if (!acts(context)) {
      const planned = {
        ...withParams,
        steps: {
          ...withParams.steps,
          [step.id]: { ...record, params: resolved, status: 'planned' as const },
        },
      };
      return { state: { ...planned, index: state.index + 1, attempt: 1 } };
    }
    if (context.killSwitch)
      return finish(
        withParams,
        'cancelled',
        `the kill switch is on: ${step.id} (${step.action.id}) was not started`,
      );
    if (record.snapshot === undefined) {
      const snapshot = snapshotRead(workflow, step, resolved, context, withParams);
      if (snapshot) return snapshot;
    }
  }
  return {
    state: withParams,
    command: {
      kind: 'act',
      purpose: 'step',
      stepId: step.id,
      action: step.action,
      params: resolved,
      attempt: state.attempt,
      idempotencyKey: `${context.run.id}:${step.id}`,
      timeoutMs: step.timeoutMs,
    },
  };
}

function snapshotRead(
  workflow: CompiledWorkflow,
  step: CompiledStep,
  params: Record<string, unknown>,
  context: RunContext,
  state: RunState,
): Step | undefined {
  if (step.rollback.kind !== 'catalog') return undefined;
  const inverse = step.action.inverse;
  if (!inverse || 'none' in inverse || !inverse.snapshot || !step.rollback.snapshot) return undefined;
  const resolved = resolve(inverseTemplates(`${step.action.id}#snapshot`, inverse.snapshot.with), {
    ...celVariables(context, state),
    params: toCel(params),
    snapshot: {},
  });
  // Through failStep, like any other failure of the step: the run ends `done` (not with a stray
  // `finish` in the middle of the steps phase) and steps already done are compensated.
  if (!resolved.ok)
    return failStep(
      workflow,
      state,
      step.id,
      `snapshot parameters of ${step.id} could not be resolved: ${resolved.error}`,
    );
  return {
    state,
    command: {
      kind: 'read',
      purpose: 'snapshot',
      stepId: step.id,
      action: step.rollback.snapshot,
      params: resolved.value as Record<string, unknown>,
      timeoutMs: step.timeoutMs,
    },
  };
}

function afterActFailure(
  workflow: CompiledWorkflow,
  context: RunContext,
  state: RunState,
  step: CompiledStep,
  failure: string,
  message: string,
): Step {
  const unknownOutcome = failure === 'timeout';
  if (unknownOutcome && !step.action.idempotent) {
    return finish(
      state,
      'needs_attention',
      `${step.id} (${step.action.id}) may or may not have taken effect (${message}), and it is not idempotent: a person must check before anything else is done`,
    );
  }
  const retryable = failure === 'retryable' || unknownOutcome;
  const attempts = step.retry?.attempts ?? 1;
  if (retryable && state.attempt < attempts && step.retry) {
    const next = state.attempt + 1;
    return sleep({ ...state, attempt: next }, context.now + retryDelay(step.retry, next), 'retry');
  }
  const why = failure === 'credentials' ? `credentials were refused (${message})` : message;
  return failStep(
    workflow,
    state,
    step.id,
    `${step.id} (${step.action.id}) failed after ${state.attempt} attempt(s): ${why}`,
  );
}

function failStep(workflow: CompiledWorkflow, state: RunState, stepId: string, message: string): Step {
  const record = state.steps[stepId] ?? { status: 'pending', attempts: 0 };
  const failed: RunState = {
    ...state,
    steps: { ...state.steps, [stepId]: { ...record, status: 'failed', error: message } },
    failure: { stepId, message },
    wakeAt: undefined,
  };
  if (workflow.onFailure === 'compensate' && state.done.length > 0)
    return { state: { ...failed, phase: 'compensate', index: 0 } };
  return finish(failed, 'failed', message);
}

/** The action and parameters that undo a done step, undefined when it has no undo, or why they cannot be built. */
function undoFor(
  step: CompiledStep,
  record: StepRecord,
  context: RunContext,
  state: RunState,
):
  | { action: ActionDefinition; params: Record<string, unknown> }
  | { error: string }
  | { unchanged: true }
  | undefined {
  const rollback = step.rollback;
  if (rollback.kind === 'none') return undefined;
  if (rollback.kind === 'custom') {
    const params = resolve(rollback.params, celVariables(context, state));
    return params.ok
      ? { action: rollback.action, params: params.value as Record<string, unknown> }
      : { error: params.error };
  }
  const inverse = step.action.inverse;
  if (!inverse || 'none' in inverse || !rollback.action) return undefined;
  const variables = {
    ...celVariables(context, state),
    params: toCel(record.params ?? {}),
    snapshot: toCel(record.snapshot ?? {}),
  };
  if (inverse.when !== undefined) {
    const needed = holds(inverseCondition(step.action.id, inverse.when), variables);
    // Unknown whether undoing restores or changes the system: a person decides.
    if (needed.error) return { error: `whether to undo could not be decided: ${needed.error}` };
    if (!needed.holds) return { unchanged: true };
  }
  const params = resolve(inverseTemplates(step.action.id, inverse.with), variables);
  if (!params.ok) return { error: params.error };
  const valid = rollback.action.input.safeParse(params.value);
  return valid.success
    ? { action: rollback.action, params: valid.data as Record<string, unknown> }
    : { error: valid.error.issues.map((i) => i.message).join('; ') };
}

const inverseCache = new Map<string, CompiledParam>();
const conditionCache = new Map<string, CompiledExpression>();

/** A catalog inverse's `when`, compiled once per action (the catalog is checked to compile). */
function inverseCondition(key: string, source: string): CompiledExpression {
  let compiled = conditionCache.get(key);
  if (!compiled) {
    const result = compileExpression(source, 'inverse', { boolean: true });
    if (!result.ok)
      throw new Error(`catalog inverse condition of ${key} does not compile: ${result.problem.message}`);
    compiled = result.expression;
    conditionCache.set(key, compiled);
  }
  return compiled;
}

/** Catalog inverse templates, compiled once per action (the catalog is checked to compile). */
function inverseTemplates(key: string, templates: Readonly<Record<string, unknown>>): CompiledParam {
  let compiled = inverseCache.get(key);
  if (!compiled) {
    compiled = compileParams(templates, 'inverse').param;
    inverseCache.set(key, compiled);
  }
  return compiled;
}

/** The concrete actions a run would take, for an approver: resolved where already resolvable. */
export function previewActions(
  workflow: CompiledWorkflow,
  context: RunContext,
  state: RunState,
): PlannedAction[] {
  return workflow.steps.map((step) => {
    const params = resolve(step.params, celVariables(context, state));
    return {
      stepId: step.id,
      action: step.action.id,
      effect: step.action.effect,
      params: params.ok ? params.value : `(resolved when the step runs: ${params.error})`,
    };
  });
}
