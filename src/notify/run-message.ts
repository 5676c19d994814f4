import type { RunState } from '../core/run/run-state.js';
import type { RunOutcome } from '../core/types.js';
import type { NotificationMessage } from '../store/notifications-store.js';

/**
 * The message of a notification, from the run as it is when the outcome is decided. Pure: the
 * engine calls it inside the transaction that records the outcome and enqueues the delivery.
 * @example
 * runMessage({ id: 'run_1', workflow: 'close-bucket', resourceKey: 'sandbox://bucket/demo', state }, 'succeeded', null, at)
 * // { runId: 'run_1', workflow: 'close-bucket', outcome: 'succeeded', reason: null, resource: 'sandbox://bucket/demo', stepsDone: ['close'], at }
 */
export function runMessage(
  run: {
    readonly id: string;
    readonly workflow: string;
    readonly resourceKey: string;
    readonly state: RunState;
  },
  outcome: RunOutcome,
  reason: string | null | undefined,
  at: string,
): NotificationMessage {
  return {
    runId: run.id,
    workflow: run.workflow,
    outcome,
    reason: reason ?? null,
    resource: run.resourceKey,
    // `done` lists the steps performed, in order (compensation undoes them in reverse).
    stepsDone: [...run.state.done],
    at,
  };
}
