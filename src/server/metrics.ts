import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { coerceError } from '../core/errors.js';
import type { RunOutcome } from '../core/types.js';
import type { Clock } from '../engine/clock.js';
import type { EngineObserver } from '../engine/engine-observer.js';
import { BoundedLabel } from './metrics/bounded-label.js';
import { readState, type StateSnapshot, type StateSource } from './metrics/state-snapshot.js';

export interface MetricsOptions extends StateSource {
  readonly clock: Clock;
  /** The config's source names: an event's `source` is chosen by its sender, so only these are labels. */
  readonly sources: readonly string[];
  /** The config's channel names. */
  readonly channels: readonly string[];
  /** Told when the store cannot be read at scrape time (the gauges keep their last value). */
  readonly onError?: (error: Error, context: string) => void;
}

/** Why an event was refused before the engine saw it; anything else is counted as `other`. */
export const eventRejectReasons = [
  'unauthenticated',
  'invalid',
  'too-large',
  'unknown-source',
  'other',
] as const;
export type EventRejectReason = (typeof eventRejectReasons)[number];

/** Result of a notification attempt (src/notify/notifier.ts `onResult`). */
export type NotificationMetricResult = 'delivered' | 'failed' | 'dead';

export interface Metrics {
  /** Its own registry, never prom-client's global one. */
  readonly registry: Registry;
  eventReceived(source: string, result: 'accepted' | 'rejected' | 'duplicate'): void;
  /** For the sources route: an event refused before it reached the engine (authentication, body). */
  eventRejected(source: string, reason: EventRejectReason | (string & {})): void;
  runFinished(run: { workflow: string; outcome: RunOutcome; createdAt: number; finishedAt: number }): void;
  stepFinished(action: string, ms: number, ok: boolean): void;
  notification(channel: string, result: NotificationMetricResult): void;
}

/** Seconds; steps are connector calls, from a cached read to a slow cloud API. */
const stepBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds; from an instant fix to one that waited hours for an approval. */
const remediateBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];

/**
 * Rectify's Prometheus metrics, in a registry of their own. Counters and histograms are fed by
 * the engine (`engineObserver`), the sources route (`eventRejected`) and the notifier
 * (`notification`); the gauges are read from the store when Prometheus scrapes.
 *
 * Invariant: no label carries a secret or an unbounded value: no run, event or notification
 * ids; sources and channels only as the config names them, workflows and actions capped.
 * @example
 * const metrics = createMetrics({
 *   store: ctx.store, clock: ctx.clock, killSwitch: ctx.config.killSwitch,
 *   sources: ctx.config.sources.map((s) => s.name), channels: ctx.config.channels.map((c) => c.name),
 *   workflows: () => ctx.engine.activeWorkflows().map((w) => w.name),
 * })
 * registerMetricsRoutes(app, ctx, metrics)
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const source = new BoundedLabel(0, () => options.sources);
  const channel = new BoundedLabel(0, () => options.channels);
  const workflow = new BoundedLabel(500);
  const action = new BoundedLabel(500);

  const events = new Counter({
    name: 'rectify_events_total',
    help: 'Events received, by source and result (accepted, rejected, duplicate).',
    labelNames: ['source', 'result'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'rectify_events_rejected_total',
    help: 'Events refused, by source and reason (unauthenticated, invalid, too-large, unknown-source, other).',
    labelNames: ['source', 'reason'] as const,
    registers: [registry],
  });
  const runs = new Counter({
    name: 'rectify_runs_total',
    help: 'Runs finished, by workflow and outcome (runs that ended at once included: exempted, deduplicated, ...).',
    labelNames: ['workflow', 'outcome'] as const,
    registers: [registry],
  });
  const steps = new Histogram({
    name: 'rectify_step_duration_seconds',
    help: 'Connector calls of runs (reads and writes), by action and result (ok, failed).',
    labelNames: ['action', 'result'] as const,
    buckets: stepBuckets,
    registers: [registry],
  });
  const remediate = new Histogram({
    name: 'rectify_time_to_remediate_seconds',
    help: 'From the event received to the run finished succeeded, by workflow.',
    labelNames: ['workflow'] as const,
    buckets: remediateBuckets,
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'rectify_notifications_total',
    help: 'Notification delivery attempts, by channel and result (delivered, failed: retried later, dead: given up).',
    labelNames: ['channel', 'result'] as const,
    registers: [registry],
  });
  const scrapeErrors = new Counter({
    name: 'rectify_metrics_store_errors_total',
    help: 'Scrapes whose state gauges could not be read from the store (they kept their last value).',
    registers: [registry],
  });

  // One read of the store per scrape, shared by the four gauges (each gauge's collect awaits it).
  let pending: { at: number; state: Promise<StateSnapshot | undefined> } | undefined;
  const state = (): Promise<StateSnapshot | undefined> => {
    const now = options.clock.now();
    if (!pending || now - pending.at > 1000) {
      pending = {
        at: now,
        state: readState(options, now).catch((error: unknown) => {
          scrapeErrors.inc();
          options.onError?.(coerceError(error), 'metrics: reading the store');
          return undefined;
        }),
      };
    }
    return pending.state;
  };
  const stateGauge = (name: string, help: string, read: (s: StateSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const snapshot = await state();
        if (snapshot) this.set(read(snapshot));
      },
    });
  stateGauge(
    'rectify_pending_approvals',
    'Runs waiting for a person to approve them.',
    (s) => s.pendingApprovals,
  );
  stateGauge(
    'rectify_paused_workflows',
    'Active workflows paused (by a limit or a person).',
    (s) => s.pausedWorkflows,
  );
  stateGauge(
    'rectify_overdue_reviews',
    'Active workflows past their metadata.reviewBy date.',
    (s) => s.overdueReviews,
  );
  stateGauge('rectify_kill_switch', '1 when the kill switch is on (no write action runs anywhere).', (s) =>
    s.killSwitch ? 1 : 0,
  );

  const eventRejected = (name: string, reason: string) => {
    const label = source.value(name);
    events.inc({ source: label, result: 'rejected' });
    rejected.inc({
      source: label,
      reason: (eventRejectReasons as readonly string[]).includes(reason) ? reason : 'other',
    });
  };
  return {
    registry,
    eventReceived: (name, result) => {
      if (result === 'rejected') eventRejected(name, 'invalid');
      else events.inc({ source: source.value(name), result });
    },
    eventRejected,
    runFinished: (run) => {
      const name = workflow.value(run.workflow);
      runs.inc({ workflow: name, outcome: run.outcome });
      if (run.outcome === 'succeeded')
        remediate.observe({ workflow: name }, Math.max(0, run.finishedAt - run.createdAt) / 1000);
    },
    stepFinished: (name, ms, ok) => {
      steps.observe({ action: action.value(name), result: ok ? 'ok' : 'failed' }, Math.max(0, ms) / 1000);
    },
    notification: (name, result) => {
      notifications.inc({ channel: channel.value(name), result });
    },
  };
}

/**
 * The engine's observer (`EngineOptions.observer`) that feeds `metrics`.
 * An event the engine refuses (not an envelope) is `rejected` with reason `invalid`.
 * @example const engine = await Engine.start({ ...options, observer: engineObserver(metrics) })
 */
export function engineObserver(metrics: Metrics): Required<EngineObserver> {
  return {
    onEvent: (source, result) => {
      metrics.eventReceived(source, result.status);
    },
    onRunFinished: (run) => {
      metrics.runFinished(run);
    },
    onStep: (action, ms, ok) => {
      metrics.stepFinished(action, ms, ok);
    },
  };
}

/**
 * The notifier's `onResult` that feeds `metrics` (`rectify_notifications_total`).
 * @example startNotifier({ ...options, onResult: notifierObserver(metrics) })
 */
export function notifierObserver(
  metrics: Metrics,
): (channel: string, result: NotificationMetricResult) => void {
  return (channel, result) => {
    metrics.notification(channel, result);
  };
}
