import type { ActionCatalog } from '../../core/catalog/catalog.js';
import type { Connector, ResolvedCredential } from '../../core/catalog/connector.js';
import type { SourceConfig } from '../../core/model/config.js';
import type { RectifyEvent } from '../../core/model/event.js';
import { retryDelay } from '../../core/run/backoff.js';
import { defaultCatalog } from '../../connectors/catalog.js';
import type { Store } from '../../store/store.js';
import { runScan, type ScanAttempt, type ScanDependencies, type ScanResult } from './run-scan.js';
import { InProcessScanLock, type ScanLock } from './scan-lock.js';
import { planScans, type PlannedScan, type ScheduleSourceConfig } from './scan-plan.js';
import { systemSchedulerClock, type SchedulerClock } from './scheduler-clock.js';

export interface ScannerOptions {
  /** The config's sources; those not `type: schedule` are ignored. */
  readonly sources: readonly SourceConfig[];
  readonly connectors: ReadonlyMap<string, Connector>;
  /** The config's credentials, secrets resolved, by name. */
  readonly credentials: ReadonlyMap<string, ResolvedCredential>;
  /** Where `scan.*` audit records go. */
  readonly store: Store;
  /** Receives each scan's events, in batches; in production `engine.ingestBatch`. */
  readonly sink: (events: RectifyEvent[]) => Promise<unknown>;
  readonly clock?: SchedulerClock;
  /** Told about errors no scan result can carry (an audit write that failed). */
  readonly onError?: (error: Error, context: string) => void;
  /** Default `defaultCatalog()`. */
  readonly catalog?: ActionCatalog;
  /** Default an `InProcessScanLock` of this scanner (one node). */
  readonly lock?: ScanLock;
  /** Default true. False: no timers, scans run only through `runNow` (`rectify scan`). */
  readonly scheduled?: boolean;
  /** Longest a scan may take, default 60s. */
  readonly timeoutMs?: number;
  /** Backoff of retries after a retryable failure: doubling from `initialMs` (default 5s) up to `maxMs` (default 5m). */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Events per sink call, default 500. */
  readonly batchSize?: number;
}

export interface Scanner {
  /** Cancels the timers, aborts running scans and waits for them to end. */
  stop(): Promise<void>;
  /** Scans a source now, once (no retry); `skipped` when a scan of it is running. */
  runNow(sourceName: string): Promise<ScanResult>;
  /** Resolves when no scan is running (tests, graceful shutdown). */
  idle(): Promise<void>;
}

interface SourceState {
  readonly plan: PlannedScan;
  nextAt: number | undefined;
  cancelTick: (() => void) | undefined;
  cancelRetry: (() => void) | undefined;
}

/**
 * Starts the scans of every `type: schedule` source: each runs its `scan` action as its
 * credential on its schedule (`every`: at start, then every interval; `cron`: at each match, UTC),
 * turns the output into one event per resource (scan-events.ts) and hands them to `sink`. A scan
 * that fails retryably is tried again with doubling backoff, only while that is before the next
 * scheduled scan; a tick while a scan of the source runs is skipped. Every scan start, end,
 * failure and skip is an audit record (`scan.started`, `scan.finished`, `scan.failed`,
 * `scan.skipped`). Throws a `ScanConfigError` at once when a source cannot be scanned.
 * @example
 * const scanner = startScanner({ sources: config.sources, connectors, credentials, store,
 *   sink: (events) => engine.ingestBatch(events) })
 * await scanner.runNow('pg-scan') // { status: 'succeeded', items: 3, events: 3, ... }
 * await scanner.stop()
 */
export function startScanner(options: ScannerOptions): Scanner {
  const clock = options.clock ?? systemSchedulerClock;
  const onError = options.onError ?? (() => undefined);
  const initialMs = options.retry?.initialMs ?? 5_000;
  const maxMs = options.retry?.maxMs ?? 300_000;
  const start = clock.now();
  const plans = planScans(
    options.sources.filter((s): s is ScheduleSourceConfig => s.type === 'schedule'),
    {
      catalog: options.catalog ?? defaultCatalog(),
      connectors: options.connectors,
      credentials: options.credentials,
      anchor: start,
    },
  );
  const states = new Map<string, SourceState>(
    plans.map((plan) => [
      plan.source,
      { plan, nextAt: undefined, cancelTick: undefined, cancelRetry: undefined },
    ]),
  );
  const running = new Set<Promise<unknown>>();
  const stopping = new AbortController();

  const deps: ScanDependencies = {
    store: options.store,
    lock: options.lock ?? new InProcessScanLock(),
    clock,
    sink: options.sink,
    timeoutMs: options.timeoutMs ?? 60_000,
    batchSize: options.batchSize ?? 500,
    stopping: stopping.signal,
    onError,
    retryAt: (attempt, kind) => {
      if (attempt.trigger === 'manual') return { reason: 'a scan run by hand is not retried' };
      if (stopping.signal.aborted) return { reason: 'the scanner is stopping' };
      if (kind === 'non-retryable' || kind === 'credentials')
        return { reason: `a ${kind} failure: trying again would fail the same way; a person must act` };
      const at = clock.now() + retryDelay({ backoff: 'exponential', initialMs, maxMs }, attempt.attempt + 1);
      const nextAt = states.get(attempt.plan.source)?.nextAt;
      if (nextAt !== undefined && at >= nextAt)
        return { reason: `the next scheduled scan, at ${new Date(nextAt).toISOString()}, comes first` };
      return { at };
    },
  };

  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    void work.finally(() => running.delete(work));
    return work;
  };

  const attempt = async (state: SourceState, scan: ScanAttempt): Promise<ScanResult> => {
    const result = await runScan(scan, deps);
    if (result.status === 'failed' && result.retryAt !== undefined && !stopping.signal.aborted) {
      const retryAt = result.retryAt;
      state.cancelRetry = clock.setTimer(retryAt, () => {
        state.cancelRetry = undefined;
        void track(attempt(state, { ...scan, attempt: scan.attempt + 1, trigger: 'retry' }));
      });
    }
    return result;
  };

  const tick = (state: SourceState, slot: number) => {
    state.cancelTick = undefined;
    // A new scheduled scan supersedes a retry still waiting for the previous one.
    state.cancelRetry?.();
    state.cancelRetry = undefined;
    arm(state, Math.max(slot, clock.now()));
    const scanId = `${state.plan.source}@${new Date(slot).toISOString()}`;
    void track(attempt(state, { plan: state.plan, scanId, attempt: 1, trigger: 'schedule' }));
  };

  const arm = (state: SourceState, after: number) => {
    state.nextAt = state.plan.schedule.next(after);
    if (state.nextAt === undefined || stopping.signal.aborted) return;
    const slot = state.nextAt;
    state.cancelTick = clock.setTimer(slot, () => {
      tick(state, slot);
    });
  };

  if (options.scheduled ?? true)
    for (const state of states.values()) {
      if (state.plan.schedule.description.startsWith('every ')) {
        state.nextAt = start;
        state.cancelTick = clock.setTimer(start, () => {
          tick(state, start);
        });
      } else arm(state, start);
    }

  return {
    async stop() {
      stopping.abort();
      for (const state of states.values()) {
        state.cancelTick?.();
        state.cancelRetry?.();
      }
      await Promise.allSettled([...running]);
    },
    runNow(sourceName) {
      const state = states.get(sourceName);
      if (!state)
        return Promise.reject(
          new Error(
            `no schedule source named ${sourceName}; the scanner has: ${[...states.keys()].join(', ') || 'none'}`,
          ),
        );
      const scanId = `${sourceName}@manual-${new Date(clock.now()).toISOString()}`;
      return track(attempt(state, { plan: state.plan, scanId, attempt: 1, trigger: 'manual' }));
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
