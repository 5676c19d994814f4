import pg from 'pg';
import type { ActionCallContext } from '../../core/catalog/connector.js';
import { ActionFailure } from '../../core/errors.js';
import { classifyError, type FailureContext } from './classify-error.js';
import { connectionTarget } from './connection-url.js';

export interface PostgresPoolOptions {
  /** Connections per (credential, database); default 2: remediation is a trickle, not a load. */
  readonly maxConnections?: number;
  /** Give up connecting after this long (retryable); default 10 s. */
  readonly connectTimeoutMs?: number;
  /**
   * Server-side bounds on every statement, default 15 s and 5 s: `pg` cannot cancel a query when the
   * step's signal aborts, so the server ends a stuck ALTER ROLE itself (both answer retryable).
   */
  readonly statementTimeoutMs?: number;
  readonly lockTimeoutMs?: number;
}

/**
 * The connector's pools: one small pool per (credential, database), created on first use and
 * ended by `close()`. `use` runs one unit of work on a pooled client, honours the call's abort
 * signal, and turns every failure into a classified `ActionFailure` without secrets.
 * @example
 * const pools = new PostgresPools()
 * await pools.use('postgres.role.get', context, undefined, (client) => client.query('SELECT 1'))
 */
export class PostgresPools {
  private readonly pools = new Map<string, pg.Pool>();

  constructor(private readonly options: PostgresPoolOptions = {}) {}

  async use<T>(
    action: string,
    context: ActionCallContext,
    database: string | undefined,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    const credential = context.credential;
    if (!credential)
      throw new ActionFailure(
        `${action} needs a credential: set spec.credentials on the workflow (or credentials on the scan source)`,
        'non-retryable',
      );
    const target = connectionTarget(credential, database);
    const failure: FailureContext = {
      action,
      database: target.database,
      credential: credential.name,
      secrets: target.secrets,
    };
    try {
      return await this.run(this.pool(credential.name, target.url), target.url, context.signal, work);
    } catch (thrown) {
      throw classifyError(thrown, failure);
    }
  }

  /** Ends every pool; calls in flight fail (retryable: the connection was terminated). */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.end()));
  }

  private pool(credential: string, url: string): pg.Pool {
    // Keyed by the URL as well as the name: a config reload that changes the password gets a new pool.
    const key = `${credential}\u0000${url}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new pg.Pool({
        connectionString: url,
        max: this.options.maxConnections ?? 2,
        connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
        idleTimeoutMillis: 30_000,
        allowExitOnIdle: true,
        application_name: 'rectify',
        statement_timeout: this.options.statementTimeoutMs ?? 15_000,
        lock_timeout: this.options.lockTimeoutMs ?? 5_000,
      });
      // An idle client whose backend is terminated emits 'error' on the pool; without a listener
      // that would crash the process. The pool drops the client; the next call reconnects.
      pool.on('error', () => undefined);
      this.pools.set(key, pool);
    }
    return pool;
  }

  private async run<T>(
    pool: pg.Pool,
    url: string,
    signal: AbortSignal,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await untilAborted(pool.connect(), signal, (late) => {
      late.release();
    });
    const working = work(client);
    try {
      const result = await untilAborted(working, signal);
      client.release();
      return result;
    } catch (error) {
      if (signal.aborted) {
        // WARNING: the server goes on running a statement whose client went away (a blocked
        // ALTER ROLE would still commit once the lock frees), so an abandoned call is cancelled on
        // the server; the connection is dropped once the statement has ended either way.
        const settled = working.then(noop, noop);
        void cancelBackend(url, backendPid(client))
          .then(() => settled)
          .finally(() => {
            client.release(true);
          });
      } else {
        // The statement failed, maybe with the connection: never hand this client to another call.
        client.release(true);
      }
      throw error;
    }
  }
}

const noop = (): void => undefined;

/** The server process of a connection, as the server told pg at startup (not in pg's typings). */
function backendPid(client: pg.PoolClient): number | undefined {
  const pid = (client as unknown as { processID?: unknown }).processID;
  return typeof pid === 'number' ? pid : undefined;
}

/** Cancels the statement a backend runs, over a connection of its own; best effort, never throws. */
async function cancelBackend(url: string, pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', noop);
  try {
    await client.connect();
    await client.query('SELECT pg_catalog.pg_cancel_backend($1)', [pid]);
  } catch {
    // The statement still ends by statement_timeout; nothing more can be done from here.
  } finally {
    await client.end().catch(noop);
  }
}

/**
 * Resolves as `promise` does, unless `signal` aborts first: then rejects at once (retryable) and
 * hands a value that arrives later to `discard`.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, discard?: (late: T) => void): Promise<T> {
  const abandoned = () =>
    new ActionFailure('abandoned: the step timed out or the run was cancelled', 'retryable');
  if (signal.aborted) {
    promise.then(discard, () => undefined);
    return Promise.reject(abandoned());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.then(discard, () => undefined);
      reject(abandoned());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        // After an abort `onAbort` already handed the value to `discard`; resolving is a no-op.
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // Rejected as thrown: classifyError reads pg's fields (code) off it.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error);
      },
    );
  });
}
