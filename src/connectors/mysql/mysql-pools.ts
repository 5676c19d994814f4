import { createPool, type Pool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import type { ResolvedCredential } from '../../core/catalog/connector.js';
import { ActionFailure } from '../../core/errors.js';
import { mysqlUrl } from './mysql-credential.js';
import { toMysqlFailure } from './mysql-errors.js';

/** MySQL and MariaDB keep accounts differently (mysql-accounts.ts): detected once per pool. */
export type MysqlDialect = 'mysql' | 'mariadb';

interface PoolEntry {
  readonly url: string;
  readonly pool: Pool;
  dialect?: Promise<MysqlDialect>;
}

/** What a handler works with: one pooled connection, and the server's dialect. */
export interface MysqlSession {
  readonly connection: PoolConnection;
  readonly dialect: MysqlDialect;
}

/**
 * One small pool per credential, created on first use and closed by `close()`. A credential whose
 * URL changed (config reload) gets a new pool; the old one is closed.
 */
export class MysqlPools {
  private readonly pools = new Map<string, PoolEntry>();

  /**
   * Runs `work` on a connection of the credential's pool. When `signal` aborts first, the call
   * fails `retryable` at once and the connection is destroyed, not returned to the pool: the
   * server may still be running the statement, and a later call must not queue behind it.
   */
  async use<T>(
    credential: ResolvedCredential | undefined,
    signal: AbortSignal,
    what: string,
    work: (session: MysqlSession) => Promise<T>,
  ): Promise<T> {
    const url = mysqlUrl(credential);
    const name = credential?.name ?? '';
    const entry = this.entry(name, url);
    const abandoned = () =>
      new ActionFailure(`mysql: ${what} was abandoned (step timeout or run cancelled)`, 'retryable');
    if (signal.aborted) throw abandoned();
    let connection: PoolConnection | undefined;
    let aborted = false;
    let connecting = true;
    const task = (async () => {
      const got = await entry.pool.getConnection();
      if (aborted) {
        got.destroy();
        throw abandoned();
      }
      connection = got;
      connecting = false;
      entry.dialect ??= detectDialect(got);
      const dialect = await entry.dialect.catch((error: unknown) => {
        entry.dialect = undefined; // try again with the next call
        throw error;
      });
      return await work({ connection: got, dialect });
    })();
    let onAbort: (() => void) | undefined;
    const abort = new Promise<never>((_, reject) => {
      onAbort = () => {
        aborted = true;
        connection?.destroy();
        connection = undefined;
        reject(abandoned());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    abort.catch(() => undefined); // settled by the race below, or never read
    try {
      return await Promise.race([task, abort]);
    } catch (error) {
      throw toMysqlFailure(error, what, url, name, connecting);
    } finally {
      // MUST stop listening before the connection goes back to the pool: a later abort of this
      // step would otherwise destroy a connection another call is using.
      if (onAbort) signal.removeEventListener('abort', onAbort);
      if (!aborted) connection?.release();
      task.catch(() => undefined); // an abandoned task's late failure is nobody's
    }
  }

  /** Closes every pool; open connections end once their statement returns. */
  async close(): Promise<void> {
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(entries.map((e) => e.pool.end()));
  }

  private entry(name: string, url: string): PoolEntry {
    const found = this.pools.get(name);
    if (found?.url === url) return found;
    if (found) void found.pool.end().catch(() => undefined);
    const pool = createPool({
      uri: url,
      // The remediator runs a handful of short statements at a time; more would only add load.
      connectionLimit: 2,
      maxIdle: 1,
      idleTimeout: 60_000,
      connectTimeout: 5_000,
      // One statement per call, never a batch: a pasted `;` cannot add a statement.
      multipleStatements: false,
      enableKeepAlive: true,
    });
    // An idle connection that drops emits 'error' on the pool's connection; the next call reconnects.
    pool.on('connection', (connection) => {
      connection.on('error', () => undefined);
    });
    const entry: PoolEntry = { url, pool };
    this.pools.set(name, entry);
    return entry;
  }
}

async function detectDialect(connection: PoolConnection): Promise<MysqlDialect> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS version');
  const version = String(rows[0]?.version ?? '');
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}
