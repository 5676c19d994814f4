import type {
  NewNotification,
  NotificationAttemptResult,
  NotificationQueries,
  NotificationRow,
  NotificationStatus,
} from '../notifications-store.js';
import type { PrepareStatement } from './prepare-statement.js';

/** Migration 5 of the SQLite store: the tables behind `tx.notifications`. */
export const notificationsMigration = {
  version: 5,
  name: 'notifications',
  // `next_attempt_at` is null once a delivery is delivered or dead: the partial index holds only
  // what a worker may still claim, so claiming stays cheap however long the history grows.
  sql: `
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  workflow TEXT NOT NULL,
  channel TEXT NOT NULL,
  outcome TEXT NOT NULL,
  message TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX notifications_by_run ON notifications (run_id);
`,
};

interface Row {
  id: number;
  run_id: string;
  workflow: string;
  channel: string;
  outcome: string;
  message: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

const toNotification = (row: Row): NotificationRow => ({
  id: row.id,
  runId: row.run_id,
  workflow: row.workflow,
  channel: row.channel,
  outcome: row.outcome as NotificationRow['outcome'],
  message: JSON.parse(row.message) as NotificationRow['message'],
  status: row.status as NotificationStatus,
  attempts: row.attempts,
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deliveredAt: row.delivered_at,
});

/** SQLite implementation of `NotificationQueries`; `statement` prepares (and caches) SQL in the transaction's connection. */
export class SqliteNotificationQueries implements NotificationQueries {
  constructor(private readonly statement: PrepareStatement) {}

  enqueue(n: NewNotification): Promise<number> {
    const inserted = this.statement(
      "INSERT INTO notifications (run_id, workflow, channel, outcome, message, status, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
    ).run(
      n.runId,
      n.workflow,
      n.channel,
      n.outcome,
      JSON.stringify(n.message),
      n.createdAt,
      n.createdAt,
      n.createdAt,
    );
    return Promise.resolve(Number(inserted.lastInsertRowid));
  }

  claimDue(now: number, limit: number, leaseMs: number): Promise<NotificationRow[]> {
    // One store connection, transactions one at a time: select then update cannot race here.
    // (A PostgreSQL store claims with FOR UPDATE SKIP LOCKED instead.)
    const rows = this.statement(
      'SELECT * FROM notifications WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?',
    ).all(now, limit) as Row[];
    const lease = this.statement('UPDATE notifications SET next_attempt_at = ? WHERE id = ?');
    for (const row of rows) lease.run(now + leaseMs, row.id);
    return Promise.resolve(rows.map(toNotification));
  }

  recordAttempt(id: number, result: NotificationAttemptResult): Promise<void> {
    if (result.ok)
      this.statement(
        "UPDATE notifications SET status = 'delivered', attempts = attempts + 1, next_attempt_at = NULL, delivered_at = ?, updated_at = ? WHERE id = ?",
      ).run(result.at, result.at, id);
    else
      this.statement(
        'UPDATE notifications SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?',
      ).run(
        result.nextAttemptAt === null ? 'dead' : 'failed',
        result.error,
        result.nextAttemptAt,
        result.at,
        id,
      );
    return Promise.resolve();
  }

  get(id: number): Promise<NotificationRow | undefined> {
    const row = this.statement('SELECT * FROM notifications WHERE id = ?').get(id) as Row | undefined;
    return Promise.resolve(row && toNotification(row));
  }

  listForRun(runId: string): Promise<NotificationRow[]> {
    const rows = this.statement('SELECT * FROM notifications WHERE run_id = ? ORDER BY id').all(
      runId,
    ) as Row[];
    return Promise.resolve(rows.map(toNotification));
  }

  list(filter: { status?: NotificationStatus; limit?: number }): Promise<NotificationRow[]> {
    const limit = filter.limit ?? 100;
    const rows = (
      filter.status === undefined
        ? this.statement('SELECT * FROM notifications ORDER BY id DESC LIMIT ?').all(limit)
        : this.statement('SELECT * FROM notifications WHERE status = ? ORDER BY id DESC LIMIT ?').all(
            filter.status,
            limit,
          )
    ) as Row[];
    return Promise.resolve(rows.map(toNotification));
  }

  nextDue(): Promise<number | null> {
    const row = this.statement(
      'SELECT MIN(next_attempt_at) AS at FROM notifications WHERE next_attempt_at IS NOT NULL',
    ).get() as { at: number | null };
    return Promise.resolve(row.at);
  }
}
