import type { RunOutcome } from '../core/types.js';

/**
 * The notification outbox: deliveries to channels, attempts, results.
 * Reached through `tx.notifications` of a store transaction, so its writes commit with the audit records
 * and state changes of the same transaction.
 *
 * Invariant: a notification is enqueued in the SAME transaction as the outcome it reports (the
 * engine's `notification.queued` record), so an outcome is never committed without its
 * notification, nor a notification without its outcome. Delivery happens later, outside any
 * run's transaction (src/notify/notifier.ts): it can never change a run.
 */
export interface NotificationQueries {
  /** Adds a delivery, due at `message`'s creation time. Returns its id. */
  enqueue(notification: NewNotification): Promise<number>;
  /**
   * Claims up to `limit` deliveries due by `now` (pending or failed, `nextAttemptAt <= now`),
   * oldest first, by moving their `nextAttemptAt` to `now + leaseMs`: a worker that dies while
   * delivering leaves them to be claimed again when the lease ends (delivery is at least once).
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<NotificationRow[]>;
  /** Records one attempt's result; `attempts` grows by one. */
  recordAttempt(id: number, result: NotificationAttemptResult): Promise<void>;
  get(id: number): Promise<NotificationRow | undefined>;
  /** A run's notifications, in the order they were enqueued. */
  listForRun(runId: string): Promise<NotificationRow[]>;
  /** Newest first. */
  list(filter: { status?: NotificationStatus; limit?: number }): Promise<NotificationRow[]>;
  /** When the next delivery is due (pending or failed), if any. */
  nextDue(): Promise<number | null>;
}

/** Where a delivery is: as `as const` plus a union, as the rest of the store. */
export const NotificationStatus = {
  /** Not tried yet. */
  pending: 'pending',
  /** The last attempt failed; tried again at `nextAttemptAt`. */
  failed: 'failed',
  delivered: 'delivered',
  /** Gave up: the maximum number of attempts, or an error no retry can fix (a 404 webhook). */
  dead: 'dead',
} as const;
export type NotificationStatus = (typeof NotificationStatus)[keyof typeof NotificationStatus];

/**
 * What a notification says, built from the run when it is enqueued. Only facts of the run: no
 * secret, no channel setting; the link is made at delivery from the server's `publicUrl`.
 */
export interface NotificationMessage {
  readonly runId: string;
  readonly workflow: string;
  readonly outcome: RunOutcome;
  readonly reason: string | null;
  /** The resource the run is about (`sandbox://bucket/demo-reports`). */
  readonly resource: string;
  /** Step ids performed, in order. */
  readonly stepsDone: readonly string[];
  /** When the outcome was decided, ISO 8601. */
  readonly at: string;
}

export interface NewNotification {
  readonly runId: string;
  readonly workflow: string;
  /** The channel's name in the config (`slack-secops`). */
  readonly channel: string;
  readonly outcome: RunOutcome;
  readonly message: NotificationMessage;
  /** ms since the epoch; the delivery is due from then. */
  readonly createdAt: number;
}

export interface NotificationRow extends NewNotification {
  readonly id: number;
  readonly status: NotificationStatus;
  readonly attempts: number;
  /** The last failure, secrets removed. */
  readonly lastError: string | null;
  readonly nextAttemptAt: number | null;
  readonly deliveredAt: number | null;
  readonly updatedAt: number;
}

export type NotificationAttemptResult =
  | { readonly ok: true; readonly at: number }
  | {
      readonly ok: false;
      readonly at: number;
      /** Secrets removed by the caller. */
      readonly error: string;
      /** When to try again; null gives up (`dead`). */
      readonly nextAttemptAt: number | null;
    };
