import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresConnector } from '../../../src/connectors/postgres/postgres-connector.js';
import { serviceAvailable } from '../../helpers/services.js';
import { action, adminClient, adminUrl, call, credentialFor, dropAll, uniqueName } from './pg-fixture.js';

interface Session {
  pid: number;
  role: string | null;
  database: string | null;
  clientAddr: string | null;
  state: string | null;
  backendStart: string | null;
}

describe.runIf(await serviceAvailable('postgres'))('postgres connector: sessions', () => {
  const database = uniqueName('db');
  const batch = uniqueName('batch');
  const connector = postgresConnector();
  const credential = credentialFor(adminUrl());
  let admin: pg.Client;
  const clients: pg.Client[] = [];

  /** A session of the batch role, as an application would hold one. */
  const openSession = async (): Promise<{ client: pg.Client; pid: number; errors: Error[] }> => {
    const client = new pg.Client({ connectionString: adminUrl(database, batch) });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    clients.push(client);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return { client, pid: rows[0]?.pid ?? 0, errors };
  };

  beforeAll(async () => {
    admin = await adminClient();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.query(`CREATE ROLE ${batch} LOGIN`);
  });

  afterAll(async () => {
    await connector.close?.();
    await Promise.allSettled(clients.map((client) => client.end()));
    await dropAll(admin, [database], [batch]);
    await admin.end();
  });

  it('lists the sessions of a role and of a database', async () => {
    const first = await openSession();
    const second = await openSession();
    const { items } = (await call(connector, 'postgres.session.list', { role: batch }, credential)) as {
      items: Session[];
    };
    expect(items.map((item) => item.pid).sort()).toEqual([first.pid, second.pid].sort());
    for (const item of items) {
      expect(item).toMatchObject({ role: batch, database, clientAddr: '127.0.0.1', state: 'idle' });
      expect(item.backendStart).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const byDatabase = (await call(connector, 'postgres.session.list', { database }, credential)) as {
      items: Session[];
    };
    expect(byDatabase.items.map((item) => item.pid).sort()).toEqual([first.pid, second.pid].sort());
    const none = (await call(
      connector,
      'postgres.session.list',
      { database, role: 'postgres' },
      credential,
    )) as {
      items: Session[];
    };
    expect(none.items).toEqual([]);
  });

  it('terminates a session (the client is cut off) and a second terminate is a no-op', async () => {
    const victim = await openSession();
    const inverse = action('postgres.session.terminate').inverse;
    expect(inverse && 'none' in inverse ? inverse.none : undefined).toMatch(/cannot be restored/);
    expect(await call(connector, 'postgres.session.terminate', { pid: victim.pid }, credential)).toEqual({
      pid: victim.pid,
      terminated: true,
    });
    const left = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [victim.pid]);
    expect(left.rowCount).toBe(0);
    await expect(victim.client.query('SELECT 1')).rejects.toThrow();
    expect(await call(connector, 'postgres.session.terminate', { pid: victim.pid }, credential)).toEqual({
      pid: victim.pid,
      terminated: false,
    });
  });

  it('never lists or terminates a pid that is no client session', async () => {
    // The postmaster's children include background workers: their pids are not client sessions.
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE backend_type <> 'client backend' LIMIT 1`,
    );
    const worker = rows[0]?.pid;
    expect(worker).toBeGreaterThan(0);
    expect(await call(connector, 'postgres.session.terminate', { pid: worker }, credential)).toEqual({
      pid: worker,
      terminated: false,
    });
    const still = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [worker]);
    expect(still.rowCount).toBe(1);
    const { items } = (await call(connector, 'postgres.session.list', {}, credential)) as {
      items: Session[];
    };
    expect(items.map((item) => item.pid)).not.toContain(worker);
  });
});
