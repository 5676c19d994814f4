import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionFailure } from '../../../src/core/errors.js';
import { postgresConnector } from '../../../src/connectors/postgres/postgres-connector.js';
import { serviceAvailable } from '../../helpers/services.js';
import { adminClient, adminUrl, call, credentialFor, dropAll, uniqueName } from './pg-fixture.js';
import { startPasswordCluster, type PasswordCluster } from './password-cluster.js';

/** The failure a call ends with (the test fails if it succeeds). */
async function failureOf(promise: Promise<unknown>): Promise<ActionFailure> {
  const outcome = await promise.then(
    () => new Error('expected the call to fail, it succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof ActionFailure))
    throw outcome instanceof Error ? outcome : new Error(String(outcome));
  return outcome;
}

/** No message may carry a secret: neither the password nor a URL (which may hold one). */
function expectNoSecret(failure: ActionFailure, ...secrets: string[]): void {
  expect(failure.message).not.toMatch(/:\/\/[^\s/@]*@/); // a URL with user info
  for (const secret of secrets) {
    expect(failure.message).not.toContain(secret);
    expect(failure.stack ?? '').not.toContain(secret);
  }
}

describe.runIf(await serviceAvailable('postgres'))('postgres connector: error classification', () => {
  describe('against a server that checks passwords', () => {
    let cluster: PasswordCluster;
    let admin: pg.Client;
    const connector = postgresConnector();
    const url = (user: string, password: string) =>
      `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${cluster.port}/postgres`;

    beforeAll(async () => {
      cluster = await startPasswordCluster();
      admin = new pg.Client({ connectionString: url('postgres', cluster.password) });
      await admin.connect();
      await admin.query(`CREATE ROLE expired_app LOGIN PASSWORD 'Expired-pw-9f' VALID UNTIL '2001-01-01'`);
      await admin.query(`CREATE ROLE current_app LOGIN PASSWORD 'Current-pw-4e'`);
    }, 60_000);

    afterAll(async () => {
      await connector.close?.();
      await admin.end();
      cluster.stop();
    });

    it('the right password works (so the refusals below are about the password)', async () => {
      const credential = credentialFor(url('current_app', 'Current-pw-4e'));
      expect(await call(connector, 'postgres.role.get', { role: 'current_app' }, credential)).toMatchObject({
        exists: true,
        login: true,
      });
    });

    it('a wrong password is a credentials failure, and the message holds no secret', async () => {
      const password = 'Wrong-pw-/@:7x';
      const failure = await failureOf(
        call(
          connector,
          'postgres.role.get',
          { role: 'current_app' },
          credentialFor(url('current_app', password)),
        ),
      );
      expect(failure.kind).toBe('credentials');
      expect(failure.message).toBe(
        'postgres.role.get on database postgres (credential pg-test) failed: password authentication failed for user "current_app" [SQLSTATE 28P01]: the server refused credential pg-test; check its password and VALID UNTIL',
      );
      expectNoSecret(failure, password, encodeURIComponent(password));
    });

    it('a role whose VALID UNTIL has passed is a credentials failure, even with its right password', async () => {
      const failure = await failureOf(
        call(
          connector,
          'postgres.schema.privileges',
          { database: 'postgres', schema: 'public' },
          credentialFor(url('expired_app', 'Expired-pw-9f')),
        ),
      );
      expect(failure.kind).toBe('credentials');
      expect(failure.message).toMatch(/password authentication failed for user "expired_app"/);
      expectNoSecret(failure, 'Expired-pw-9f');
    });

    it('a URL without the password the server asks for is a credentials failure', async () => {
      const failure = await failureOf(
        call(
          connector,
          'postgres.role.get',
          { role: 'current_app' },
          credentialFor(`postgres://current_app@127.0.0.1:${cluster.port}/postgres`),
        ),
      );
      expect(failure.kind).toBe('credentials');
    });
  });

  describe('against the shared server', () => {
    const connector = postgresConnector({ lockTimeoutMs: 300 });
    const credential = credentialFor(adminUrl());
    const throttled = uniqueName('full'); // CONNECTION LIMIT 0: every connection is one too many
    const locked = uniqueName('locked');
    let admin: pg.Client;

    beforeAll(async () => {
      admin = await adminClient();
      await admin.query(`CREATE ROLE ${throttled} LOGIN CONNECTION LIMIT 0`);
      await admin.query(`CREATE ROLE ${locked} LOGIN`);
    });

    afterAll(async () => {
      await connector.close?.();
      await dropAll(admin, [], [throttled, locked]);
      await admin.end();
    });

    it('an unreachable server is retryable', async () => {
      const password = 'Secret-pw-unreachable';
      const failure = await failureOf(
        call(
          connector,
          'postgres.role.get',
          { role: 'x' },
          credentialFor(`postgres://postgres:${password}@127.0.0.1:1/postgres`),
        ),
      );
      expect(failure.kind).toBe('retryable');
      expect(failure.message).toMatch(
        /^postgres\.role\.get on database postgres \(credential pg-test\) failed: .*ECONNREFUSED/,
      );
      expectNoSecret(failure, password);
    });

    it('too many connections for the role is retryable', async () => {
      const failure = await failureOf(
        call(
          connector,
          'postgres.role.get',
          { role: throttled },
          credentialFor(adminUrl('postgres', throttled)),
        ),
      );
      expect(failure.kind).toBe('retryable');
      expect(failure.message).toMatch(/too many connections for role .*\[SQLSTATE 53300\]/);
    });

    it('a database that does not exist is non-retryable', async () => {
      const failure = await failureOf(
        call(connector, 'postgres.schema.list', { database: 'no_such_database_rt' }, credential),
      );
      expect(failure.kind).toBe('non-retryable');
      expect(failure.message).toMatch(/database "no_such_database_rt" does not exist \[SQLSTATE 3D000\]/);
    });

    it('waiting too long for a lock held by another session is retryable', async () => {
      const holder = await adminClient();
      try {
        await holder.query('BEGIN');
        await holder.query(`ALTER ROLE ${locked} CONNECTION LIMIT 7`);
        const failure = await failureOf(
          call(connector, 'postgres.role.set-login', { role: locked, login: false }, credential),
        );
        expect(failure.kind).toBe('retryable');
        expect(failure.message).toMatch(/\[SQLSTATE 55P03\]/);
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
    });

    it('a session ended by an administrator is retryable; an aborted call ends at once; the pool recovers', async () => {
      const patient = postgresConnector({ lockTimeoutMs: 10_000 });
      const holder = await adminClient();
      try {
        await holder.query('BEGIN');
        await holder.query(`ALTER ROLE ${locked} CONNECTION LIMIT 7`);
        const blocked = failureOf(
          call(patient, 'postgres.role.set-login', { role: locked, login: false }, credential),
        );
        const waiting = async () => {
          for (let i = 0; i < 100; i += 1) {
            const { rows } = await admin.query<{ pid: number }>(
              `SELECT pid FROM pg_stat_activity WHERE application_name = 'rectify' AND wait_event_type = 'Lock'`,
            );
            if (rows[0]) return rows[0].pid;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          throw new Error('the call never waited on the lock');
        };
        await admin.query('SELECT pg_terminate_backend($1)', [await waiting()]);
        const ended = await blocked;
        expect(ended.kind).toBe('retryable');
        expect(ended.message).toMatch(
          /terminating connection due to administrator command \[SQLSTATE 57P01\]/,
        );

        const controller = new AbortController();
        const started = Date.now();
        const abandoned = failureOf(
          call(
            patient,
            'postgres.role.set-login',
            { role: locked, login: false },
            credential,
            controller.signal,
          ),
        );
        const pid = await waiting();
        controller.abort();
        const aborted = await abandoned;
        expect(aborted.kind).toBe('retryable');
        expect(aborted.message).toMatch(/abandoned/);
        expect(Date.now() - started).toBeLessThan(5_000);
        // The server stops waiting too: the abandoned ALTER ROLE is cancelled, not left to commit.
        for (let i = 0; i < 100; i += 1) {
          const { rows } = await admin.query<{ waiting: boolean }>(
            `SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1`,
            [pid],
          );
          if (rows[0]?.waiting !== true) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      // The abandoned statement did not linger and the connector still works.
      expect(await call(patient, 'postgres.role.get', { role: locked }, credential)).toMatchObject({
        login: true,
      });
      await patient.close?.();
    });

    it('a call without a usable credential is non-retryable and says what to set', async () => {
      const handler = connector.handlers['postgres.role.get'];
      const signal = new AbortController().signal;
      const none = await failureOf(handler?.({ role: 'x' }, { signal }) ?? Promise.resolve());
      expect(none.kind).toBe('non-retryable');
      expect(none.message).toMatch(/spec\.credentials/);

      const noUrl = await failureOf(
        handler?.({ role: 'x' }, { signal, credential: { ...credential, settings: {} } }) ??
          Promise.resolve(),
      );
      expect(noUrl.kind).toBe('non-retryable');
      expect(noUrl.message).toMatch(/has no url: set `with: \{ url: env:NAME \}`/);

      const malformed = 'mysql://root:Hunter2-secret@db/x';
      const wrongScheme = await failureOf(
        handler?.({ role: 'x' }, { signal, credential: { ...credential, settings: { url: malformed } } }) ??
          Promise.resolve(),
      );
      expect(wrongScheme.kind).toBe('non-retryable');
      expectNoSecret(wrongScheme, 'Hunter2-secret');
    });
  });
});
