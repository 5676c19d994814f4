import { randomUUID } from 'node:crypto';
import type { Connector, ResolvedCredential } from '../core/catalog/connector.js';
import type { RectifyEvent } from '../core/model/event.js';
import { CircuitBreakers, type CircuitBreakerOptions } from './circuit-breaker.js';
import type { EngineObserver } from './engine-observer.js';
import { EngineRefusal } from './engine-refusal.js';
import type { CompiledWorkflow } from '../core/compile/compiled-workflow.js';
import { coerceError } from '../core/errors.js';
import type { RunFeedback } from '../core/run/commands.js';
import type { Store } from '../store/store.js';
import { systemClock, type Clock } from './clock.js';
import { driveRun, recoveryFeedback, type ExecutorDependencies } from './executor.js';
import { ingestEvent, type IngestResult } from './ingest.js';
import { WorkflowSet } from './workflow-set.js';

export interface EngineOptions {
  readonly store: Store;
  readonly workflows: readonly CompiledWorkflow[];
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly clock?: Clock;
  /** The config's kill switch; the store's setting (API, CLI) overrides it once set. */
  readonly killSwitch?: boolean;
  /** Told about errors the engine cannot put on a run (a store that is down): log them. */
  readonly onError?: (error: Error, context: string) => void;
  /**
   * Default true. False: an ingest-only engine. Events are validated, matched and decided, and
   * their runs created durably (status `ready`), exactly as by default; but this engine drives,
   * wakes and recovers no run, and takes no approval. An engine started with the default on the
   * same store resumes those runs (crash recovery). Used to measure ingest on its own.
   */
  readonly executeRuns?: boolean;
  /**
   * The config's credentials, secrets resolved; each workflow's `spec.credentials` names one, and
   * its scopes bound every call. Absent: none is passed or checked (sandbox-only use).
   */
  readonly credentials?: ReadonlyMap<string, ResolvedCredential>;
  /** One circuit breaker per credential (defaults: 5 failures in a row, 30 s open). */
  readonly circuitBreaker?: CircuitBreakerOptions;
  /**
   * Versions that are not active but that unfinished runs started on: the engine runs those runs
   * to their end on them (never matches new events against them).
   */
  readonly formerVersions?: readonly CompiledWorkflow[];
  /** Metrics: told about events, steps and finished runs. */
  readonly observer?: EngineObserver;
}

const killSwitchKey = 'kill-switch';

/**
 * The remediation engine of one process: ingests events, drives runs, wakes sleeping ones, and
 * resumes what a crash interrupted. Everything it decides is in the store, so another process
 * started on the same store continues where this one stopped.
 * @example
 * const engine = await Engine.start({ store, workflows, connectors })
 * await engine.ingest(event)
 * await engine.idle()
 */
export class Engine {
  private readonly workflows: WorkflowSet;
  private readonly clock: Clock;
  private readonly active = new Map<string, Promise<void>>();
  /** Timers that fired and are loading their run: not yet in `active`, but work `idle` waits for. */
  private readonly waking = new Set<Promise<void>>();
  private readonly wakes = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private killSwitch: boolean;
  private stopped = false;
  private readonly deps: ExecutorDependencies;
  private readonly executes: boolean;
  /** Cancels asked for while the run was being driven: the executor takes them before its next command. */
  private readonly cancels = new Map<string, string>();
  readonly breakers: CircuitBreakers;

  private constructor(private readonly options: EngineOptions) {
    this.workflows = new WorkflowSet(options.workflows, options.formerVersions);
    this.executes = options.executeRuns ?? true;
    this.clock = options.clock ?? systemClock;
    this.killSwitch = options.killSwitch ?? false;
    this.breakers = new CircuitBreakers(options.circuitBreaker);
    this.deps = {
      credentials: options.credentials,
      breakers: this.breakers,
      observer: options.observer,
      takeCancel: (runId) => {
        const by = this.cancels.get(runId);
        this.cancels.delete(runId);
        return by;
      },
      store: options.store,
      workflows: this.workflows,
      connectors: options.connectors,
      clock: this.clock,
      killSwitch: () => this.killSwitch,
      onSleep: (runId, until) => {
        this.wakeAt(runId, until);
      },
    };
  }

  /** Creates an engine and resumes every unfinished run in the store (crash recovery). */
  static async start(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    const stored = await options.store.transaction((tx) => tx.getSetting(killSwitchKey));
    if (stored !== undefined) engine.killSwitch = stored === 'on';
    if (engine.executes) await engine.recover();
    return engine;
  }

  /** Ingests one event durably (returns after commit) and starts the runs it creates. */
  async ingest(event: unknown, original?: unknown): Promise<IngestResult> {
    const [result] = await this.ingestBatch([event], original === undefined ? undefined : [original]);
    return result ?? { status: 'rejected', reason: 'nothing to ingest' };
  }

  /** Ingests many events in one transaction: all are durable when this resolves. */
  async ingestBatch(events: readonly unknown[], originals?: readonly unknown[]): Promise<IngestResult[]> {
    const now = this.clock.now();
    const results = await this.options.store.transaction(async (tx) => {
      const out: IngestResult[] = [];
      for (const [index, event] of events.entries())
        out.push(
          await ingestEvent(
            tx,
            event,
            { workflows: this.workflows, now, killSwitch: this.killSwitch },
            originals?.[index],
          ),
        );
      return out;
    });
    for (const [index, result] of results.entries()) {
      this.options.observer?.onEvent?.(sourceOf(events[index]), result);
      if (result.status !== 'accepted') continue;
      for (const run of result.runs) if (run.outcome === null) this.drive(run.runId);
    }
    return results;
  }

  /** A person's answer to a run waiting for approval (separation of duties is checked by the caller). */
  async decide(runId: string, decision: 'approve' | 'reject', by: string): Promise<boolean> {
    if (!this.executes)
      throw new Error('this engine only ingests (executeRuns: false): approvals go to an engine that runs');
    // The run may still be finishing the command that made it wait; `drive` would drop the answer.
    await this.active.get(runId);
    const waiting = await this.options.store.transaction(async (tx) => {
      const run = await tx.getRun(runId);
      if (run?.status !== 'awaiting_approval') return false;
      if (run.state.startedBy !== undefined && run.state.startedBy === by)
        throw new EngineRefusal(
          'separation-of-duties',
          `${by} started run ${runId} by hand and so may not ${decision} it: another person must`,
        );
      await tx.appendAudit({
        at: new Date(this.clock.now()).toISOString(),
        kind: `approval.${decision === 'approve' ? 'granted' : 'rejected'}`,
        runId,
        data: { by },
      });
      return true;
    });
    if (!waiting) return false;
    this.wakes.delete(runId);
    this.drive(runId, { kind: 'approval', decision, by });
    return true;
  }

  async setKillSwitch(on: boolean, by: string): Promise<void> {
    this.killSwitch = on;
    await this.options.store.transaction(async (tx) => {
      await tx.setSetting(killSwitchKey, on ? 'on' : 'off');
      await tx.appendAudit({
        at: new Date(this.clock.now()).toISOString(),
        kind: on ? 'kill-switch.on' : 'kill-switch.off',
        runId: null,
        data: { by },
      });
    });
  }

  /**
   * Cancels a run: nothing more is done; steps already done are undone when the workflow
   * compensates. A run being driven takes the cancel before its next action (the action under
   * way, if any, finishes first: it cannot be taken back mid-call).
   * @throws EngineRefusal `not-found` or `finished`
   */
  async cancel(runId: string, by: string): Promise<void> {
    this.requireExecution('cancel runs');
    const run = await this.options.store.transaction((tx) => tx.getRun(runId));
    if (!run) throw new EngineRefusal('not-found', `no run ${runId}`);
    if (run.status === 'done')
      throw new EngineRefusal(
        'finished',
        `run ${runId} has finished (${run.outcome ?? 'done'}): nothing to cancel`,
      );
    const active = this.active.get(runId);
    if (active) {
      this.cancels.set(runId, by);
      await active;
      // It may have gone to sleep or to wait for a person before taking the cancel.
      if (!this.cancels.has(runId)) return;
      this.cancels.delete(runId);
    }
    await this.options.store.transaction((tx) =>
      tx.appendAudit({
        at: new Date(this.clock.now()).toISOString(),
        kind: 'run.cancel-requested',
        runId,
        data: { by },
      }),
    );
    this.wakes.delete(runId);
    this.drive(runId, { kind: 'cancel', by });
    await this.active.get(runId);
  }

  /**
   * Undoes a finished run's done writes, newest first, from the snapshots taken before them; the
   * run ends `rolled-back` (or `needs_attention` when an undo fails). Only for a run of the active
   * version that succeeded or is unverified, in enforce mode, with the kill switch off.
   * @throws EngineRefusal
   */
  async rollbackRun(runId: string, by: string): Promise<void> {
    this.requireExecution('roll back runs');
    if (this.killSwitch)
      throw new EngineRefusal('kill-switch', 'the kill switch is on: no write runs, undo included');
    const run = await this.options.store.transaction(async (tx) => {
      const found = await tx.getRun(runId);
      if (!found) throw new EngineRefusal('not-found', `no run ${runId}`);
      if (found.status !== 'done' || (found.outcome !== 'succeeded' && found.outcome !== 'unverified'))
        throw new EngineRefusal(
          'not-rollbackable',
          `run ${runId} is ${found.status === 'done' ? found.outcome : found.status}: only a finished run that succeeded or is unverified can be rolled back`,
        );
      const loaded = this.workflows.getVersion(found.workflow, found.version);
      if (!loaded)
        throw new EngineRefusal(
          'not-rollbackable',
          `run ${runId} ran version ${found.version} of ${found.workflow}, which this engine does not hold: undo it by hand`,
        );
      const doneSteps = loaded.compiled.steps.filter((s) => found.state.steps[s.id]?.status === 'done');
      if (doneSteps.length === 0)
        throw new EngineRefusal('not-rollbackable', `run ${runId} changed nothing: nothing to roll back`);
      // Refused up front when no done step can be undone: better than a run that "rolls back" nothing.
      const noUndo = doneSteps.filter(
        (s) =>
          s.rollback.kind === 'none' || (s.rollback.kind === 'catalog' && s.rollback.action === undefined),
      );
      if (noUndo.length === doneSteps.length)
        throw new EngineRefusal(
          'not-rollbackable',
          `run ${runId} cannot be rolled back: ${noUndo.map((s) => `${s.id} has no undo${undoReason(s.rollback)}`).join('; ')}`,
        );
      await tx.updateRun(runId, { status: 'running', updatedAt: this.clock.now(), finishedAt: null });
      await tx.appendAudit({
        at: new Date(this.clock.now()).toISOString(),
        kind: 'run.rollback-requested',
        runId,
        data: { by, outcome: found.outcome },
      });
      return found;
    });
    this.drive(run.id, { kind: 'rollback', by });
    await this.active.get(run.id);
  }

  /**
   * Pauses or resumes a workflow (a person's decision, audited). A paused workflow's events are
   * recorded as `paused` runs; runs under way continue.
   */
  async setPaused(workflow: string, paused: boolean, by: string, reason?: string): Promise<void> {
    await this.options.store.transaction(async (tx) => {
      await tx.setPause(workflow, paused, paused ? (reason ?? `paused by ${by}`) : null, this.clock.now());
      await tx.appendAudit({
        at: new Date(this.clock.now()).toISOString(),
        kind: paused ? 'workflow.paused' : 'workflow.resumed',
        runId: null,
        data: { workflow, by, ...(reason ? { reason } : {}) },
      });
    });
  }

  /**
   * Starts a run of one workflow on an event, by hand. The event is ingested like any other
   * (durable, deduplicated on (source, id), audited) but only `workflow` is considered, and every
   * guard still applies: its `match`, kill switch, pause, exemptions, limits, then corroborate and
   * approval. `by` may not approve the run it started.
   */
  async startRun(workflow: string, event: unknown, by: string): Promise<IngestResult> {
    this.requireExecution('start runs');
    if (!this.workflows.get(workflow))
      throw new EngineRefusal('no-such-workflow', `no active workflow ${workflow}`);
    const now = this.clock.now();
    // A fresh id: a hand-made event must never take the (source, id) of a delivery still to come,
    // which would then be dropped as a duplicate for every workflow.
    const claimed = (event as { id?: unknown } | null)?.id;
    const handmade =
      typeof event === 'object' && event !== null && !Array.isArray(event)
        ? { ...event, id: `manual:${randomUUID()}:${typeof claimed === 'string' ? claimed : ''}` }
        : event;
    const result = await this.options.store.transaction((tx) =>
      ingestEvent(tx, handmade, {
        workflows: this.workflows,
        now,
        killSwitch: this.killSwitch,
        only: { workflow, by },
      }),
    );
    this.options.observer?.onEvent?.(sourceOf(event), result);
    if (result.status === 'accepted')
      for (const run of result.runs) if (run.outcome === null) this.drive(run.runId);
    return result;
  }

  /** Makes `workflows` the active set (after an activation, rollback or retirement of a version). */
  replaceWorkflows(workflows: readonly CompiledWorkflow[]): void {
    this.workflows.replace(workflows);
  }

  /** The active workflows, as the engine matches events against them. */
  activeWorkflows(): readonly CompiledWorkflow[] {
    return this.workflows.all().map((w) => w.compiled);
  }

  private requireExecution(what: string): void {
    if (!this.executes) throw new Error(`this engine only ingests (executeRuns: false): it cannot ${what}`);
  }

  /** Resolves when no run is being driven and, with `timers`, no run is due to wake. */
  async idle(options: { timers?: boolean } = {}): Promise<void> {
    for (;;) {
      if (this.active.size > 0 || this.waking.size > 0) {
        await Promise.allSettled([...this.active.values(), ...this.waking]);
        continue;
      }
      if (options.timers && this.wakes.size > 0 && !this.stopped) {
        const next = Math.min(...this.wakes.values());
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, next - this.clock.now() + 1)));
        this.fireDue();
        continue;
      }
      return;
    }
  }

  /**
   * Wakes every run whose timer is due by the clock now (settle, retry backoff, verify delay,
   * approval deadline), then resolves when the engine is idle, without waiting for later timers.
   * With a manual clock: move the clock, then call this.
   */
  async runDueTimers(): Promise<void> {
    this.fireDue();
    await this.idle();
  }

  /** Stops waking runs and waits for the ones under way to reach their next durable point. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.active.values()]);
  }

  private drive(runId: string, feedback?: RunFeedback): void {
    if (!this.executes || this.stopped || this.active.has(runId)) return;
    const work = driveRun(this.deps, runId, feedback)
      .catch((error: unknown) => this.options.onError?.(coerceError(error), `run ${runId}`))
      .finally(() => this.active.delete(runId));
    this.active.set(runId, work);
  }

  private async recover(): Promise<void> {
    const unfinished = await this.options.store.transaction((tx) => tx.unfinishedRuns());
    const now = this.clock.now();
    for (const run of unfinished) {
      if (run.status === 'sleeping' || run.status === 'awaiting_approval') {
        if (run.wakeAt !== null) this.wakeAt(run.id, run.wakeAt);
        continue;
      }
      const feedback = await recoveryFeedback(this.options.store, run, now);
      this.drive(run.id, feedback);
    }
  }

  private wakeAt(runId: string, until: number): void {
    this.wakes.set(runId, until);
    if (until < this.timerAt) this.arm(until);
  }

  private arm(until: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timerAt = until;
    this.timer = setTimeout(
      () => {
        this.timerAt = Infinity;
        this.fireDue();
      },
      Math.max(0, until - this.clock.now()),
    );
    this.timer.unref();
  }

  private fireDue(): void {
    const now = this.clock.now();
    let next = Infinity;
    for (const [runId, until] of this.wakes) {
      if (until <= now) {
        this.wakes.delete(runId);
        const waking: Promise<void> = this.wake(runId)
          .catch((error: unknown) => this.options.onError?.(coerceError(error), `waking run ${runId}`))
          .finally(() => this.waking.delete(waking));
        this.waking.add(waking);
      } else next = Math.min(next, until);
    }
    if (next !== Infinity) this.arm(next);
  }

  private async wake(runId: string): Promise<void> {
    const run = await this.options.store.transaction((tx) => tx.getRun(runId));
    if (!run || run.status === 'done') return;
    this.drive(
      runId,
      run.status === 'awaiting_approval' ? { kind: 'approval', decision: 'timeout' } : { kind: 'woke' },
    );
  }
}

function sourceOf(event: unknown): string {
  const source = (event as Partial<RectifyEvent> | null)?.source;
  return typeof source === 'string' ? source : 'unknown';
}

function undoReason(rollback: CompiledWorkflow['steps'][number]['rollback']): string {
  const reason =
    rollback.kind === 'none'
      ? rollback.reason
      : rollback.kind === 'catalog'
        ? rollback.reasonNone
        : undefined;
  return reason ? ` (${reason})` : '';
}
