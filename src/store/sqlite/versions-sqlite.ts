import type { VersionQueries } from '../versions-store.js';
import type { PrepareStatement } from './prepare-statement.js';

/** Migration 4 of the SQLite store: the tables behind `tx.versions`. */
export const versionsMigration = { version: 4, name: 'versions', sql: 'SELECT 1;' };

/** SQLite implementation of `VersionQueries`; `statement` prepares (and caches) SQL in the transaction's connection. */
export class SqliteVersionQueries implements VersionQueries {
  constructor(private readonly statement: PrepareStatement) {}
}
