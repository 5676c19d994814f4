import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionFailure } from '../../../src/core/errors.js';
import { postgresConnector } from '../../../src/connectors/postgres/postgres-connector.js';
import { serviceAvailable } from '../../helpers/services.js';
import {
  actWithUndo,
  action,
  adminClient,
  adminUrl,
  call,
  credentialFor,
  dropAll,
  uniqueName,
} from './pg-fixture.js';

interface RoleRow {
  rolcanlogin: boolean;
  rolsuper: boolean;
  rolconnlimit: number;
}

describe.runIf(await serviceAvailable('postgres'))('postgres connector: roles', () => {
  const database = uniqueName('db');
  const leaked = uniqueName('leaked'); // LOGIN with a password that expired long ago
  const service = uniqueName('svc'); // LOGIN, no password, capped at 3 connections
  const admin2 = uniqueName('su'); // a superuser that should not be one
  const manager = uniqueName('mgr'); // CREATEROLE, may log in: a least-privilege remediator
  const connector = postgresConnector();
  const credential = credentialFor(adminUrl());
  let admin: pg.Client;

  /** Independent read-back with the admin client, not through the connector. */
  const row = async (role: string): Promise<RoleRow | undefined> =>
    (
      await admin.query<RoleRow>(
        'SELECT rolcanlogin, rolsuper, rolconnlimit FROM pg_roles WHERE rolname = $1',
        [role],
      )
    ).rows[0];

  beforeAll(async () => {
    admin = await adminClient();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.query(
      `CREATE ROLE ${leaked} LOGIN PASSWORD 'leaked-pw' VALID UNTIL '2001-02-03 04:05:06+00'`,
    );
    await admin.query(`CREATE ROLE ${service} LOGIN CONNECTION LIMIT 3`);
    await admin.query(`CREATE ROLE ${admin2} SUPERUSER NOLOGIN`);
    await admin.query(`CREATE ROLE ${manager} LOGIN CREATEROLE`);
  });

  afterAll(async () => {
    await connector.close?.();
    await dropAll(admin, [database], [leaked, service, admin2, manager]);
    await admin.end();
  });

  it('reads a role: login, superuser, password set, expiry and connection limit', async () => {
    expect(await call(connector, 'postgres.role.get', { role: leaked }, credential)).toEqual({
      role: leaked,
      exists: true,
      superuser: false,
      login: true,
      passwordSet: true,
      validUntil: '2001-02-03T04:05:06.000Z',
      connectionLimit: -1,
    });
    expect(await call(connector, 'postgres.role.get', { role: service, database }, credential)).toEqual({
      role: service,
      exists: true,
      superuser: false,
      login: true,
      passwordSet: false,
      validUntil: null,
      connectionLimit: 3,
    });
    expect(await call(connector, 'postgres.role.get', { role: admin2 }, credential)).toMatchObject({
      superuser: true,
      login: false,
    });
  });

  it('answers exists: false for a missing role, and passwordSet: null when pg_authid is out of reach', async () => {
    expect(await call(connector, 'postgres.role.get', { role: 'no_such_role_q' }, credential)).toMatchObject({
      exists: false,
      login: false,
      superuser: false,
    });
    const limited = credentialFor(adminUrl('postgres', manager), 'pg-manager');
    expect(await call(connector, 'postgres.role.get', { role: leaked }, limited)).toMatchObject({
      exists: true,
      passwordSet: null,
      validUntil: '2001-02-03T04:05:06.000Z',
    });
  });

  it('lists the roles of the cluster without the predefined pg_* ones', async () => {
    const { items } = (await call(connector, 'postgres.role.list', {}, credential)) as {
      items: { role: string; superuser: boolean; login: boolean }[];
    };
    const names = items.map((item) => item.role);
    expect(names).toEqual(expect.arrayContaining([leaked, service, admin2, manager, 'postgres']));
    expect(names.filter((name) => name.startsWith('pg_'))).toEqual([]);
    // What a scan would flag: superusers other than the bootstrap one.
    expect(
      items.filter((item) => item.superuser && item.role.startsWith('rt_')).map((item) => item.role),
    ).toContain(admin2);
  });

  it('sets NOLOGIN, is idempotent, and its inverse restores LOGIN from the snapshot', async () => {
    const { output, undo } = await actWithUndo(
      connector,
      'postgres.role.set-login',
      { role: leaked, login: false },
      credential,
    );
    expect(output).toMatchObject({ role: leaked, login: false });
    expect((await row(leaked))?.rolcanlogin).toBe(false);
    expect(action('postgres.role.set-login').idempotent).toBe(true);
    expect(
      await call(connector, 'postgres.role.set-login', { role: leaked, login: false }, credential),
    ).toEqual(output);
    expect(await undo()).toBe('undone');
    expect((await row(leaked))?.rolcanlogin).toBe(true);
  });

  it('takes superuser away (a destructive action) and its inverse gives it back', async () => {
    expect(action('postgres.role.set-superuser').effect).toBe('destructive');
    const { output, undo } = await actWithUndo(
      connector,
      'postgres.role.set-superuser',
      { role: admin2, superuser: false },
      credential,
    );
    expect(output).toMatchObject({ superuser: false });
    expect((await row(admin2))?.rolsuper).toBe(false);
    expect(await undo()).toBe('undone');
    expect((await row(admin2))?.rolsuper).toBe(true);
  });

  it('sets a connection limit and its inverse restores the previous one', async () => {
    const { output, undo } = await actWithUndo(
      connector,
      'postgres.role.set-connection-limit',
      { role: service, limit: 0 },
      credential,
    );
    expect(output).toMatchObject({ connectionLimit: 0 });
    expect((await row(service))?.rolconnlimit).toBe(0);
    expect(await undo()).toBe('undone');
    expect((await row(service))?.rolconnlimit).toBe(3);
  });

  it('works as a CREATEROLE role, but refuses to lock the credential out of its own role', async () => {
    const limited = credentialFor(adminUrl('postgres', manager), 'pg-manager');
    await call(connector, 'postgres.role.set-login', { role: service, login: false }, limited);
    expect((await row(service))?.rolcanlogin).toBe(false);
    await call(connector, 'postgres.role.set-login', { role: service, login: true }, limited);

    const own = await call(
      connector,
      'postgres.role.set-login',
      { role: manager, login: false },
      limited,
    ).catch((error: unknown) => error);
    expect(own).toBeInstanceOf(ActionFailure);
    expect((own as ActionFailure).kind).toBe('non-retryable');
    expect((own as ActionFailure).message).toMatch(/credential's own role/);
    expect((await row(manager))?.rolcanlogin).toBe(true);
  });

  it('classifies a missing role and a missing privilege as non-retryable, naming what failed', async () => {
    const missing = await call(
      connector,
      'postgres.role.set-login',
      { role: 'no_such_role_q', login: false },
      credential,
    ).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ActionFailure);
    expect((missing as ActionFailure).kind).toBe('non-retryable');
    expect((missing as ActionFailure).message).toBe(
      'postgres.role.set-login on database postgres (credential pg-test) failed: role "no_such_role_q" does not exist [SQLSTATE 42704]',
    );

    // CREATEROLE is not enough to touch a superuser.
    const limited = credentialFor(adminUrl('postgres', manager), 'pg-manager');
    const denied = await call(
      connector,
      'postgres.role.set-superuser',
      { role: admin2, superuser: false },
      limited,
    ).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(ActionFailure);
    expect((denied as ActionFailure).kind).toBe('non-retryable');
    expect((denied as ActionFailure).message).toMatch(/must be superuser.*\[SQLSTATE 42501\]/);
    expect((await row(admin2))?.rolsuper).toBe(true);
  });
});
