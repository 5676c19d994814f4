import type pg from 'pg';
import { ActionFailure } from '../../core/errors.js';

/** One item of `postgres.session.list`. */
export interface SessionState {
  pid: number;
  role: string | null;
  database: string | null;
  clientAddr: string | null;
  state: string | null;
  backendStart: string | null;
}

/** How long pg_terminate_backend waits for the session to be gone before answering. */
const terminateWaitMs = 5_000;

/**
 * Client sessions of the cluster (pg_stat_activity is cluster-wide whatever database we are on),
 * optionally of one database and/or role, oldest first. Background workers and Rectify's own
 * session are left out. Without pg_read_all_stats, other roles' sessions show null details.
 */
export async function listSessions(
  client: pg.ClientBase,
  filter: { database?: string | undefined; role?: string | undefined },
): Promise<SessionState[]> {
  const { rows } = await client.query<SessionState>(
    `SELECT pid, usename AS role, datname AS database, host(client_addr) AS "clientAddr", state,
            pg_catalog.to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "backendStart"
       FROM pg_catalog.pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()
        AND ($1::text IS NULL OR datname = $1) AND ($2::text IS NULL OR usename = $2)
      ORDER BY backend_start, pid`,
    [filter.database ?? null, filter.role ?? null],
  );
  return rows;
}

/**
 * Ends a client session and waits (up to 5 s) until it is gone. A pid that is no client session
 * (already ended, or never one) answers `terminated: false`: terminating is idempotent. Rectify's
 * own session is refused. A session that outlives the wait is a retryable failure.
 */
export async function terminateSession(
  client: pg.ClientBase,
  pid: number,
): Promise<{ pid: number; terminated: boolean }> {
  const { rows } = await client.query<{ own: boolean }>(
    `SELECT pid = pg_catalog.pg_backend_pid() AS own FROM pg_catalog.pg_stat_activity
      WHERE pid = $1 AND backend_type = 'client backend'`,
    [pid],
  );
  const found = rows[0];
  if (!found) return { pid, terminated: false };
  if (found.own)
    throw new ActionFailure(`refusing to terminate pid ${pid}: it is Rectify's own session`, 'non-retryable');
  const ended = await client.query<{ ended: boolean }>(
    'SELECT pg_catalog.pg_terminate_backend($1, $2) AS ended',
    [pid, terminateWaitMs],
  );
  if (ended.rows[0]?.ended !== true) {
    // False with the session gone in between means it ended on its own: that is what we wanted.
    const still = await client.query('SELECT 1 FROM pg_catalog.pg_stat_activity WHERE pid = $1', [pid]);
    if (still.rowCount === 0) return { pid, terminated: false };
    throw new ActionFailure(`session ${pid} did not end within ${terminateWaitMs} ms`, 'retryable');
  }
  return { pid, terminated: true };
}
