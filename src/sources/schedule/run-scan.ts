import { redactSecrets } from '../../audit/redact.js';
import { ActionFailure, coerceError, type FailureKind } from '../../core/errors.js';
import type { RectifyEvent } from '../../core/model/event.js';
import type { Store } from '../../store/store.js';
import { scanEvents } from './scan-events.js';
import type { ScanLock } from './scan-lock.js';
import type { PlannedScan } from './scan-plan.js';
import type { SchedulerClock } from './scheduler-clock.js';

/** Why a scan ran. */
export type ScanTrigger = 'schedule' | 'retry' | 'manual';

/** How one scan attempt ended. */
export type ScanResult =
  | {
      readonly status: 'succeeded';
      readonly source: string;
      readonly scanId: string;
      readonly attempt: number;
      /** Items the scan listed. */
      readonly items: number;
      /** Events handed to the sink (items that named their resource). */
      readonly events: number;
      /** Items skipped because they named no resource (see scan-events.ts). */
      readonly skippedItems: number;
    }
  | {
      readonly status: 'failed';
      readonly source: string;
      readonly scanId: string;
      readonly attempt: number;
      /** `timeout` when the scan took longer than the scanner's `timeoutMs`. */
      readonly kind: FailureKind | 'timeout';
      readonly error: string;
      /** When the scan is tried again; undefined when it is not (see `reason`). */
      readonly retryAt: number | undefined;
    }
  | { readonly status: 'skipped'; readonly source: string; readonly scanId: string; readonly reason: string };

export interface ScanAttempt {
  readonly plan: PlannedScan;
  readonly scanId: string;
  readonly attempt: number;
  readonly trigger: ScanTrigger;
}

export interface ScanDependencies {
  readonly store: Store;
  readonly lock: ScanLock;
  readonly clock: SchedulerClock;
  readonly sink: (events: RectifyEvent[]) => Promise<unknown>;
  readonly timeoutMs: number;
  readonly batchSize: number;
  /** Aborted when the scanner stops. */
  readonly stopping: AbortSignal;
  /** When to try a failed attempt again, or why not. */
  readonly retryAt: (attempt: ScanAttempt, kind: FailureKind | 'timeout') => { at?: number; reason?: string };
  readonly onError: (error: Error, context: string) => void;
}

/**
 * One scan attempt: take the source's lease (else `skipped`, audited), audit `scan.started`,
 * call the action as the source's credential (aborted after `timeoutMs` or on stop), turn its
 * output into events, hand them to the sink in batches, audit `scan.finished` or `scan.failed`,
 * release the lease. Never throws: every ending is a `ScanResult` and an audit record.
 */
export async function runScan(attempt: ScanAttempt, deps: ScanDependencies): Promise<ScanResult> {
  const { plan, scanId } = attempt;
  const base = { source: plan.source, scanId };
  const lease = await deps.lock.tryAcquire(plan.source).catch((error: unknown) => {
    deps.onError(coerceError(error), `scan lock of ${plan.source}`);
    return undefined;
  });
  if (!lease) {
    const reason =
      'a scan of this source is still running (or its lock could not be taken): this one is skipped';
    await audit(deps, 'scan.skipped', { ...base, trigger: attempt.trigger, reason });
    return { status: 'skipped', ...base, reason };
  }
  try {
    await audit(deps, 'scan.started', {
      ...base,
      action: plan.action.id,
      credential: plan.credential.name,
      attempt: attempt.attempt,
      trigger: attempt.trigger,
    });
    let events: ReturnType<typeof scanEvents>;
    try {
      const output = await callWithTimeout(plan, deps);
      events = scanEvents({
        source: plan.source,
        action: plan.action.id,
        type: plan.eventType,
        credential: plan.credential.name,
        scanId,
        params: plan.params,
        output,
        keyFields: plan.keyFields,
        now: deps.clock.now(),
      });
      for (let start = 0; start < events.events.length; start += deps.batchSize)
        await deps.sink(events.events.slice(start, start + deps.batchSize));
    } catch (thrown) {
      const { kind, message } = classify(thrown, plan.source);
      const retry = deps.retryAt(attempt, kind);
      await audit(deps, 'scan.failed', {
        ...base,
        attempt: attempt.attempt,
        kind,
        error: message,
        retryAt: retry.at === undefined ? null : new Date(retry.at).toISOString(),
        ...(retry.reason ? { noRetry: retry.reason } : {}),
      });
      return { status: 'failed', ...base, attempt: attempt.attempt, kind, error: message, retryAt: retry.at };
    }
    await audit(deps, 'scan.finished', {
      ...base,
      attempt: attempt.attempt,
      items: events.items,
      events: events.events.length,
      skippedItems: events.skipped.length,
      ...(events.skipped.length > 0 ? { skipped: events.skipped.slice(0, 5) } : {}),
    });
    return {
      status: 'succeeded',
      ...base,
      attempt: attempt.attempt,
      items: events.items,
      events: events.events.length,
      skippedItems: events.skipped.length,
    };
  } finally {
    await lease.release().catch((error: unknown) => {
      deps.onError(coerceError(error), `scan lock of ${plan.source}`);
    });
  }
}

class ScanTimeout extends Error {}

// The handler gets the signal; the race also ends a scan whose connector ignores it.
async function callWithTimeout(plan: PlannedScan, deps: ScanDependencies): Promise<unknown> {
  const controller = new AbortController();
  const stop = () => {
    controller.abort(new Error('the scanner is stopping'));
  };
  deps.stopping.addEventListener('abort', stop, { once: true });
  let cancelTimer: (() => void) | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    cancelTimer = deps.clock.setTimer(deps.clock.now() + deps.timeoutMs, () => {
      controller.abort(new Error(`timed out after ${deps.timeoutMs} ms`));
      reject(new ScanTimeout(`no answer within ${deps.timeoutMs} ms`));
    });
  });
  try {
    return await Promise.race([
      plan.handler(plan.params, { signal: controller.signal, credential: plan.credential }),
      timedOut,
    ]);
  } finally {
    cancelTimer?.();
    deps.stopping.removeEventListener('abort', stop);
  }
}

function classify(thrown: unknown, source: string): { kind: FailureKind | 'timeout'; message: string } {
  if (thrown instanceof ScanTimeout) return { kind: 'timeout', message: thrown.message };
  if (thrown instanceof ActionFailure) return { kind: thrown.kind, message: thrown.message };
  // Unclassified (a sink whose store is down, a connector bug): a scan only reads, so trying
  // again is safe; the message is redacted, as it was not written with secrets in mind.
  const message = coerceError(thrown).message.split('\n')[0] ?? 'unknown error';
  return { kind: 'retryable', message: String(redactSecrets(message, `scan ${source}`)) };
}

async function audit(deps: ScanDependencies, kind: string, data: Record<string, unknown>): Promise<void> {
  try {
    await deps.store.transaction((tx) =>
      tx.appendAudit({ at: new Date(deps.clock.now()).toISOString(), kind, runId: null, data }),
    );
  } catch (error) {
    deps.onError(coerceError(error), `audit ${kind} of scan ${String(data.source)}`);
  }
}
