import type Database from 'better-sqlite3';

/** Prepares SQL on the store's one connection, caching the statement (see SqliteTransaction). */
export type PrepareStatement = (sql: string) => Database.Statement;
