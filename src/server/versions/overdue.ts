import { parseDate } from '../../core/date.js';
import type { StoreTransaction } from '../../store/store.js';

/** An active workflow whose `metadata.reviewBy` has passed. */
export interface OverdueWorkflow {
  readonly name: string;
  readonly version: number;
  readonly owner: string;
  readonly reviewBy: string;
  /** Whole days since `reviewBy` (1 the day after). */
  readonly daysOverdue: number;
}

/** The UTC calendar day of `now` (ms since the epoch), `YYYY-MM-DD`. */
export function todayOf(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/**
 * True when `reviewBy` is before the day of `now` (UTC): the whole `reviewBy` day still counts
 * as on time, as the review rule `change/review-overdue` reads it. An unreadable date is overdue
 * (fail closed: the loader refuses those, so only damaged data gets here).
 */
export function isReviewOverdue(reviewBy: string, now: number): boolean {
  const due = parseDate(reviewBy);
  const today = parseDate(todayOf(now));
  return due === undefined || (today !== undefined && today > due);
}

/**
 * The ACTIVE workflows past their `metadata.reviewBy`, by name: what the dashboard flags and the
 * metrics export (`rectify_workflow_review_overdue`). Proposed and retired workflows do not run,
 * so they are not counted.
 * @example
 * const overdue = await store.transaction((tx) => overdueWorkflows(tx, clock.now()))
 * gauge.set(overdue.length)
 */
export async function overdueWorkflows(tx: StoreTransaction, now: number): Promise<OverdueWorkflow[]> {
  const active = await tx.versions.activeVersions();
  const today = parseDate(todayOf(now)) ?? now;
  return active
    .filter((version) => isReviewOverdue(version.reviewBy, now))
    .map((version) => ({
      name: version.workflow,
      version: version.version,
      owner: version.owner,
      reviewBy: version.reviewBy,
      daysOverdue: Math.max(1, Math.round((today - (parseDate(version.reviewBy) ?? today)) / 86_400_000)),
    }));
}
