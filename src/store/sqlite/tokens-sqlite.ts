import type { TokenQueries, TokenRow } from '../tokens-store.js';
import type { PrepareStatement } from './prepare-statement.js';

/** Migration 3 of the SQLite store: the tables behind `tx.tokens`. */
export const tokensMigration = {
  version: 3,
  name: 'tokens',
  // Only the hash of a token is kept: a copy of the database grants nothing.
  sql: `
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  description TEXT,
  bootstrap INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  revoked_by TEXT,
  last_used_at INTEGER
);
CREATE INDEX tokens_by_subject ON tokens (subject);
`,
};

interface Row {
  id: string;
  hash: string;
  subject: string;
  description: string | null;
  bootstrap: number;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
  revoked_by: string | null;
  last_used_at: number | null;
}

const toToken = (row: Row): TokenRow => ({
  id: row.id,
  hash: row.hash,
  subject: row.subject,
  description: row.description,
  bootstrap: row.bootstrap === 1,
  createdAt: row.created_at,
  createdBy: row.created_by,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  revokedBy: row.revoked_by,
  lastUsedAt: row.last_used_at,
});

/** SQLite implementation of `TokenQueries`; `statement` prepares (and caches) SQL in the transaction's connection. */
export class SqliteTokenQueries implements TokenQueries {
  constructor(private readonly statement: PrepareStatement) {}

  insertToken(token: TokenRow): Promise<void> {
    this.statement(
      `INSERT INTO tokens (id, hash, subject, description, bootstrap, created_at, created_by, expires_at, revoked_at, revoked_by, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      token.id,
      token.hash,
      token.subject,
      token.description,
      token.bootstrap ? 1 : 0,
      token.createdAt,
      token.createdBy,
      token.expiresAt,
      token.revokedAt,
      token.revokedBy,
      token.lastUsedAt,
    );
    return Promise.resolve();
  }

  tokenByHash(hash: string): Promise<TokenRow | undefined> {
    const row = this.statement('SELECT * FROM tokens WHERE hash = ?').get(hash) as Row | undefined;
    return Promise.resolve(row && toToken(row));
  }

  getToken(id: string): Promise<TokenRow | undefined> {
    const row = this.statement('SELECT * FROM tokens WHERE id = ?').get(id) as Row | undefined;
    return Promise.resolve(row && toToken(row));
  }

  listTokens(options: { readonly includeRevoked?: boolean } = {}): Promise<TokenRow[]> {
    const sql = options.includeRevoked
      ? 'SELECT * FROM tokens ORDER BY created_at DESC, id'
      : 'SELECT * FROM tokens WHERE revoked_at IS NULL ORDER BY created_at DESC, id';
    return Promise.resolve((this.statement(sql).all() as Row[]).map(toToken));
  }

  revokeToken(id: string, by: string, at: number): Promise<boolean> {
    const result = this.statement(
      'UPDATE tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL',
    ).run(at, by, id);
    return Promise.resolve(result.changes === 1);
  }

  touchToken(id: string, at: number): Promise<void> {
    this.statement('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(at, id);
    return Promise.resolve();
  }

  countActiveBootstrapTokens(now: number): Promise<number> {
    const row = this.statement(
      'SELECT count(*) AS n FROM tokens WHERE bootstrap = 1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)',
    ).get(now) as { n: number };
    return Promise.resolve(row.n);
  }
}
