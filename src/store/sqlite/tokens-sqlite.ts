import type { TokenQueries } from '../tokens-store.js';
import type { PrepareStatement } from './prepare-statement.js';

/** Migration 3 of the SQLite store: the tables behind `tx.tokens`. */
export const tokensMigration = { version: 3, name: 'tokens', sql: 'SELECT 1;' };

/** SQLite implementation of `TokenQueries`; `statement` prepares (and caches) SQL in the transaction's connection. */
export class SqliteTokenQueries implements TokenQueries {
  constructor(private readonly statement: PrepareStatement) {}
}
