import type { NotificationQueries } from '../notifications-store.js';
import type { PrepareStatement } from './prepare-statement.js';

/** Migration 5 of the SQLite store: the tables behind `tx.notifications`. */
export const notificationsMigration = { version: 5, name: 'notifications', sql: 'SELECT 1;' };

/** SQLite implementation of `NotificationQueries`; `statement` prepares (and caches) SQL in the transaction's connection. */
export class SqliteNotificationQueries implements NotificationQueries {
  constructor(private readonly statement: PrepareStatement) {}
}
