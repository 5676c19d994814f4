import { redactSecrets } from '../audit/redact.js';
import type { Connector, ResolvedCredential } from '../core/catalog/connector.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import type { EngineObserver } from './engine-observer.js';
import { isWriteEffect } from '../core/catalog/action.js';
import { advanceRun } from '../core/run/advance-run.js';
import type { FailureKind } from '../core/errors.js';
import type { RunCommand, RunFeedback } from '../core/run/commands.js';
import type { RunContext } from '../core/run/run-context.js';
import type { RunState } from '../core/run/run-state.js';
import type { AttemptRow, RunRow, Store, StoreTransaction } from '../store/store.js';
import { callAction } from './call-action.js';
import type { Clock } from './clock.js';
import { shadowSuffix, type WorkflowSet } from './workflow-set.js';
import { canonicalJson } from '../audit/canonical-json.js';
import type { RunOutcome } from '../core/types.js';
import { runMessage } from '../notify/run-message.js';

export interface ExecutorDependencies {
  readonly store: Store;
  readonly workflows: WorkflowSet;
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly clock: Clock;
  readonly killSwitch: () => boolean;
  /** Told when a run sleeps, so the scheduler can wake it. */
  readonly onSleep: (runId: string, until: number) => void;
  /** Told when a run ends or waits for a person. */
  readonly onSettled?: (runId: string) => void;
  /**
   * The config's credentials by name, secrets resolved; a workflow's `spec.credentials` picks one.
   * Undefined: no credential is passed or checked (only for the sandbox, e.g. `rectify run`
   * without a config); the server always passes the config's.
   */
  readonly credentials: ReadonlyMap<string, ResolvedCredential> | undefined;
  readonly breakers: CircuitBreakers;
  readonly observer?: EngineObserver | undefined;
  /** A person's cancel that arrived while the run was being driven: taken before its next command. */
  readonly takeCancel: (runId: string) => string | undefined;
}

/**
 * Drives one run forward until it sleeps, waits for approval, or finishes. The decisions come
 * from the pure state machine (`advanceRun`); this does the I/O around them.
 *
 * Invariant (effects at most once, never guessed): the intent of every action — run, step,
 * attempt, idempotency key, resolved parameters — is committed BEFORE the connector is called,
 * and the result after. A crash between the two leaves an open intent that recovery resolves:
 * re-issued if the action is idempotent, `needs_attention` if not.
 */
export async function driveRun(
  deps: ExecutorDependencies,
  runId: string,
  firstFeedback?: RunFeedback,
): Promise<void> {
  let feedback = firstFeedback;
  const loaded = await deps.store.transaction(async (tx) => {
    const run = await tx.getRun(runId);
    if (!run || run.status === 'done') return undefined;
    const event = await tx.getEvent(run.eventSeq);
    return event && { run, event: event.envelope };
  });
  if (!loaded) return;
  const { event } = loaded;
  let run = loaded.run;
  const workflow = deps.workflows.getVersion(run.workflow, run.version);
  if (!workflow) {
    await finishWithoutWorkflow(deps, run);
    return;
  }
  const compiled = workflow.compiled;

  for (let step = 0; step < 1000; step++) {
    const now = deps.clock.now();
    const context: RunContext = {
      event,
      run: { id: run.id, workflow: run.workflow, version: run.version, mode: run.mode },
      now,
      createdAt: run.createdAt,
      killSwitch: deps.killSwitch(),
    };
    let { state, command } = advanceRun(compiled, context, run.state, feedback);
    feedback = undefined;
    const cancelledBy = command.kind === 'finish' ? undefined : deps.takeCancel(run.id);
    if (cancelledBy !== undefined) {
      await deps.store.transaction((tx) =>
        tx.appendAudit({
          at: new Date(now).toISOString(),
          kind: 'run.cancel-requested',
          runId: run.id,
          data: { by: cancelledBy },
        }),
      );
      ({ state, command } = advanceRun(compiled, context, state, { kind: 'cancel', by: cancelledBy }));
    }
    const at = new Date(now).toISOString();

    switch (command.kind) {
      case 'finish': {
        await deps.store.transaction(async (tx) => {
          await tx.updateRun(run.id, {
            status: 'done',
            outcome: command.outcome,
            reason: command.reason,
            state,
            wakeAt: null,
            updatedAt: now,
            finishedAt: now,
          });
          await tx.appendAudit({
            at,
            kind: 'run.finished',
            runId: run.id,
            data: {
              workflow: run.workflow,
              outcome: command.outcome,
              reason: command.reason,
              ...plannedActions(state),
            },
          });
          await notify(
            tx,
            compiled.workflow.spec.notify ?? [],
            command.outcome,
            { ...run, state },
            at,
            command.reason,
          );
          await compareShadow(tx, deps.workflows, run, at);
        });
        deps.onSettled?.(run.id);
        deps.observer?.onRunFinished?.({
          workflow: run.workflow,
          outcome: command.outcome,
          createdAt: run.createdAt,
          finishedAt: now,
        });
        return;
      }
      case 'sleep': {
        await deps.store.transaction(async (tx) => {
          await tx.updateRun(run.id, { status: 'sleeping', state, wakeAt: command.until, updatedAt: now });
          await tx.appendAudit({
            at,
            kind: 'run.sleeping',
            runId: run.id,
            data: { until: new Date(command.until).toISOString(), reason: command.reason },
          });
        });
        deps.onSleep(run.id, command.until);
        return;
      }
      case 'await-approval': {
        await deps.store.transaction(async (tx) => {
          await tx.updateRun(run.id, {
            status: 'awaiting_approval',
            state,
            wakeAt: command.deadline ?? null,
            updatedAt: now,
          });
          await tx.appendAudit({
            at,
            kind: 'approval.requested',
            runId: run.id,
            data: {
              deadline: command.deadline === undefined ? null : new Date(command.deadline).toISOString(),
              approvers: compiled.approval?.approvers ?? [],
              preview: redactSecrets(command.preview),
            },
          });
          await notify(
            tx,
            compiled.workflow.spec.notify ?? [],
            'awaiting_approval',
            { ...run, state },
            at,
            null,
          );
        });
        if (command.deadline !== undefined) deps.onSleep(run.id, command.deadline);
        deps.onSettled?.(run.id);
        return;
      }
      case 'read':
      case 'act': {
        const attempt = await recordIntent(deps.store, run, state, command, now);
        const timeoutMs = command.timeoutMs;
        const result = await callAction(
          deps.connectors,
          command.action,
          command.params,
          timeoutMs,
          command.kind === 'read' ? 'read-result' : 'act-result',
          {
            credential: credentialOf(deps, compiled.workflow.spec.credentials),
            breakers: deps.breakers,
            now: () => deps.clock.now(),
          },
        );
        const finishedAt = deps.clock.now();
        deps.observer?.onStep?.(command.action.id, finishedAt - now, 'ok' in result && result.ok);
        await deps.store.transaction(async (tx) => {
          await tx.recordResult(attempt, resultRow(result), finishedAt);
          await tx.appendAudit({
            at: new Date(finishedAt).toISOString(),
            kind: 'action.result',
            runId: run.id,
            data: {
              step: attempt.stepId,
              purpose: attempt.purpose,
              attempt: attempt.attempt,
              action: command.action.id,
              ok: 'ok' in result && result.ok,
              ...('ok' in result && !result.ok ? { failure: result.failure, error: result.message } : {}),
              ms: finishedAt - now,
            },
          });
          if (
            command.kind === 'act' &&
            command.purpose === 'step' &&
            'ok' in result &&
            result.ok &&
            isWriteEffect(command.action.effect)
          ) {
            await tx.recordChange({
              workflow: run.workflow,
              resourceKey: run.resourceKey,
              runId: run.id,
              at: finishedAt,
            });
          }
        });
        run = { ...run, state, status: 'running' };
        feedback = result;
        break;
      }
    }
  }
  throw new Error(`run ${run.id} took more than 1000 commands: a bug`);
}

/** The workflow's credential; undefined when it names none (the sandbox needs none). */
function credentialOf(deps: ExecutorDependencies, name: string | undefined): ResolvedCredential | undefined {
  if (name === undefined || deps.credentials === undefined) return undefined;
  // A credential the engine does not hold (not in the config, or its secret could not be resolved
  // at start): an empty connector name makes every call refuse, naming it.
  return deps.credentials.get(name) ?? { name, connector: '', settings: {}, scopes: [] };
}

/** Commits the intent (and the state that led to it) before the call. */
async function recordIntent(
  store: Store,
  run: RunRow,
  state: RunState,
  command: Extract<RunCommand, { kind: 'read' | 'act' }>,
  now: number,
): Promise<Pick<AttemptRow, 'runId' | 'stepId' | 'purpose' | 'attempt'>> {
  const stepId =
    command.kind === 'act'
      ? command.stepId
      : command.purpose === 'snapshot'
        ? (command.stepId ?? '(snapshot)')
        : `(${command.purpose}:${state.index})`;
  const purpose = command.kind === 'act' ? command.purpose : command.purpose;
  return store.transaction(async (tx) => {
    // Attempt numbers come from the table, so an attempt re-issued after a crash gets a new row.
    const { attempt, lastIntentAt } = await tx.nextAttempt(run.id, stepId, purpose);
    // A run's intent times strictly increase (one in the same millisecond as the last is stamped
    // 1 ms later): recovery tells the attempt a run's stored state waits on as its latest one.
    const intentAt = lastIntentAt === null ? now : Math.max(now, lastIntentAt + 1);
    const params = redactSecrets(command.params);
    await tx.recordIntent({
      runId: run.id,
      stepId,
      purpose,
      attempt,
      action: command.action.id,
      idempotent: command.action.idempotent,
      idempotencyKey: command.kind === 'act' ? command.idempotencyKey : `${run.id}:${stepId}:${purpose}`,
      params,
      intentAt,
    });
    await tx.updateRun(run.id, { status: 'running', state, wakeAt: null, updatedAt: now });
    await tx.appendAudit({
      at: new Date(now).toISOString(),
      kind: 'action.intent',
      runId: run.id,
      data: {
        step: stepId,
        purpose,
        attempt,
        action: command.action.id,
        effect: command.action.effect,
        simulated: command.action.simulated,
        params,
      },
    });
    return { runId: run.id, stepId, purpose, attempt };
  });
}

async function notify(
  tx: StoreTransaction,
  entries: readonly { channel: string; on: readonly string[] }[],
  outcome: RunOutcome,
  run: RunRow,
  at: string,
  reason: string | null,
): Promise<void> {
  for (const entry of entries) {
    if (!entry.on.includes(outcome)) continue;
    // Delivery is the server's (issue: channels); the engine records what must be said, durably.
    await tx.appendAudit({
      at,
      kind: 'notification.queued',
      runId: run.id,
      data: { channel: entry.channel, outcome, workflow: run.workflow },
    });
    // The outbox row commits with the outcome; src/notify/notifier.ts delivers it later, outside this transaction.
    await tx.notifications.enqueue({
      runId: run.id,
      workflow: run.workflow,
      channel: entry.channel,
      outcome,
      message: runMessage(run, outcome, reason, at),
      createdAt: Date.parse(at),
    });
  }
}

async function finishWithoutWorkflow(deps: ExecutorDependencies, run: RunRow): Promise<void> {
  const now = deps.clock.now();
  const reason = `workflow ${run.workflow} version ${run.version} is no longer loaded; the run was not continued`;
  await deps.store.transaction(async (tx) => {
    await tx.updateRun(run.id, {
      status: 'done',
      outcome: 'needs_attention',
      reason,
      updatedAt: now,
      finishedAt: now,
    });
    await tx.appendAudit({
      at: new Date(now).toISOString(),
      kind: 'run.finished',
      runId: run.id,
      data: { outcome: 'needs_attention', reason },
    });
  });
}

const interruptedError = 'interrupted: the engine stopped before the result was recorded';

/**
 * Feedback for a run found unfinished at start-up. A run is `running` from the commit of an
 * action's intent (with the state that led to it) until the commit of what it did next, so the
 * latest attempt of a running run is the one its stored state waits on:
 * - with no result (an open intent), the action was interrupted: recorded as such; an act is
 *   `interrupted` for the state machine (issued again if idempotent, `needs_attention` if not);
 * - with a result, the engine stopped before acting on it: an act's result is given again, so
 *   the run takes the decision it was about to take. Never dropped: the state would issue the
 *   act again (a second rotation of a password). An `interrupted` result stays `interrupted`
 *   when the engine stops again before finishing the run. The output given again is the
 *   recorded one (secret-looking values redacted).
 * Reads are simply read again.
 */
export async function recoveryFeedback(
  store: Store,
  run: RunRow,
  now: number,
): Promise<RunFeedback | undefined> {
  return store.transaction(async (tx) => {
    const attempts = await tx.listAttempts(run.id);
    for (const attempt of attempts) {
      if (attempt.result !== null) continue;
      await tx.recordResult(attempt, { ok: false, error: interruptedError }, now);
      await tx.appendAudit({
        at: new Date(now).toISOString(),
        kind: 'action.interrupted',
        runId: run.id,
        data: {
          step: attempt.stepId,
          purpose: attempt.purpose,
          attempt: attempt.attempt,
          action: attempt.action,
          idempotent: attempt.idempotent,
        },
      });
    }
    const latest = attempts.reduce<AttemptRow | undefined>(
      (found, a) => (found === undefined || a.intentAt > found.intentAt ? a : found),
      undefined,
    );
    if (run.status !== 'running' || !latest || (latest.purpose !== 'step' && latest.purpose !== 'compensate'))
      return undefined;
    const result = latest.result;
    if (result === null || result.error === interruptedError) return { kind: 'interrupted' };
    if (result.ok) return { kind: 'act-result', ok: true, output: result.output };
    // resultRow writes `<failure>: <message>`.
    const failed = /^(retryable|non-retryable|credentials|timeout): ([\s\S]*)$/.exec(result.error ?? '');
    return {
      kind: 'act-result',
      ok: false,
      failure: (failed?.[1] ?? 'non-retryable') as FailureKind | 'timeout',
      message: failed?.[2] ?? result.error ?? 'failed',
    };
  });
}

function resultRow(result: RunFeedback): NonNullable<AttemptRow['result']> {
  if (result.kind !== 'read-result' && result.kind !== 'act-result')
    return { ok: false, error: `unexpected feedback ${result.kind}` };
  return result.ok
    ? { ok: true, output: redactSecrets(result.output) }
    : { ok: false, error: `${result.failure}: ${result.message}` };
}

/** In dry-run and shadow, what the run would have done: the writes with their resolved parameters. */
function plannedActions(state: RunState): { planned?: { step: string; params: unknown }[] } {
  const planned = Object.entries(state.steps)
    .filter(([, record]) => record.status === 'planned')
    .map(([step, record]) => ({ step, params: redactSecrets(record.params) }));
  return planned.length > 0 ? { planned } : {};
}

/**
 * Shadow mode: when both the enforcing run and its shadow candidate's run for one event are done,
 * records where the two would differ (the writes performed versus the writes planned, with their
 * parameters, and the outcomes). Whichever finishes second makes the comparison.
 */
async function compareShadow(
  tx: StoreTransaction,
  workflows: WorkflowSet,
  run: RunRow,
  at: string,
): Promise<void> {
  const base = run.workflow.endsWith(shadowSuffix)
    ? run.workflow.slice(0, -shadowSuffix.length)
    : run.workflow;
  const siblings = await tx.runsOfEvent(run.eventSeq);
  const enforcing = siblings.find((r) => r.workflow === base);
  const candidate = siblings.find((r) => r.workflow === `${base}${shadowSuffix}`);
  if (!enforcing || !candidate || enforcing.status !== 'done' || candidate.status !== 'done') return;
  const acted = writesOf(workflows, enforcing, ['done', 'compensated']);
  const planned = writesOf(workflows, candidate, ['planned']);
  const onlyEnforcing = acted.filter((w) => !planned.includes(w));
  const onlyCandidate = planned.filter((w) => !acted.includes(w));
  const sameOutcome =
    (enforcing.outcome === 'succeeded' ? 'dry-run' : enforcing.outcome) === candidate.outcome;
  await tx.appendAudit({
    at,
    kind: 'shadow.compared',
    runId: candidate.id,
    data: {
      workflow: base,
      enforcing: { run: enforcing.id, version: enforcing.version, outcome: enforcing.outcome },
      candidate: { run: candidate.id, version: candidate.version, outcome: candidate.outcome },
      same: onlyEnforcing.length === 0 && onlyCandidate.length === 0 && sameOutcome,
      onlyEnforcing: onlyEnforcing.map((w) => JSON.parse(w) as unknown),
      onlyCandidate: onlyCandidate.map((w) => JSON.parse(w) as unknown),
    },
  });
}

/** The write actions of a run with their parameters, as canonical JSON, for comparison. */
function writesOf(workflows: WorkflowSet, run: RunRow, statuses: readonly string[]): string[] {
  const workflow = workflows.getVersion(run.workflow, run.version);
  if (!workflow) return [];
  return workflow.compiled.steps.flatMap((step) => {
    const record = run.state.steps[step.id];
    if (!record || !isWriteEffect(step.action.effect) || !statuses.includes(record.status)) return [];
    return [canonicalJson({ action: step.action.id, params: redactSecrets(record.params) })];
  });
}
