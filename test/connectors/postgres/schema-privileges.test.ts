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

describe.runIf(await serviceAvailable('postgres'))('postgres connector: schema privileges', () => {
  const database = uniqueName('db');
  const app = uniqueName('app'); // a role granted privileges by name
  const probe = uniqueName('probe'); // a role with no grants: what it may do is what PUBLIC may do
  const outsider = uniqueName('outsider'); // may log in, owns nothing
  const connector = postgresConnector();
  const credential = credentialFor(adminUrl());
  let admin: pg.Client;
  let inDb: pg.Client;

  /** Independent read-back: may a role with no grants of its own create in `schema`? */
  const publicMayCreate = async (schema = 'public') =>
    (
      await inDb.query<{ ok: boolean }>(`SELECT has_schema_privilege($1, $2, 'CREATE') AS ok`, [
        probe,
        schema,
      ])
    ).rows[0]?.ok;
  const appMay = async (privilege: string, schema = 'reports') =>
    (
      await inDb.query<{ ok: boolean }>(`SELECT has_schema_privilege($1, $2, $3) AS ok`, [
        app,
        schema,
        privilege,
      ])
    ).rows[0]?.ok;

  beforeAll(async () => {
    admin = await adminClient();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.query(`CREATE ROLE ${app} NOLOGIN`);
    await admin.query(`CREATE ROLE ${probe} NOLOGIN`);
    await admin.query(`CREATE ROLE ${outsider} LOGIN`);
    inDb = await adminClient(database);
    // The misconfiguration PostgreSQL 15 removed from the defaults: any role may create in public.
    await inDb.query('GRANT CREATE ON SCHEMA public TO PUBLIC');
    await inDb.query(`CREATE SCHEMA reports AUTHORIZATION ${app}`);
    await inDb.query(`CREATE SCHEMA staging`);
    await inDb.query(`GRANT USAGE ON SCHEMA staging TO ${app}`);
  });

  afterAll(async () => {
    await connector.close?.();
    await inDb.end();
    await dropAll(admin, [database], [app, probe, outsider]);
    await admin.end();
  });

  it('reads CREATE granted to PUBLIC on schema public', async () => {
    const state = await call(
      connector,
      'postgres.schema.privileges',
      { database, schema: 'public' },
      credential,
    );
    expect(state).toEqual({
      database,
      schema: 'public',
      exists: true,
      owner: 'pg_database_owner',
      publicPrivileges: ['USAGE', 'CREATE'],
      grantees: { pg_database_owner: ['USAGE', 'CREATE'] },
    });
  });

  it('reads privileges granted to named roles, and a schema with the default ACL (owner only)', async () => {
    expect(
      await call(connector, 'postgres.schema.privileges', { database, schema: 'staging' }, credential),
    ).toEqual({
      database,
      schema: 'staging',
      exists: true,
      owner: 'postgres',
      publicPrivileges: [],
      grantees: { postgres: ['USAGE', 'CREATE'], [app]: ['USAGE'] },
    });
    const reports = await call(
      connector,
      'postgres.schema.privileges',
      { database, schema: 'reports' },
      credential,
    );
    expect(reports).toMatchObject({
      owner: app,
      publicPrivileges: [],
      grantees: { [app]: ['USAGE', 'CREATE'] },
    });
  });

  it('answers exists: false for a schema that is not there', async () => {
    expect(
      await call(connector, 'postgres.schema.privileges', { database, schema: 'nope' }, credential),
    ).toEqual({
      database,
      schema: 'nope',
      exists: false,
      owner: null,
      publicPrivileges: [],
      grantees: {},
    });
  });

  it('lists every user schema with its privileges, so a scan finds CREATE granted to PUBLIC', async () => {
    const { items } = (await call(connector, 'postgres.schema.list', { database }, credential)) as {
      items: { schema: string; publicPrivileges: string[] }[];
    };
    expect(items.map((item) => item.schema)).toEqual(['public', 'reports', 'staging']);
    const flagged = items
      .filter((item) => item.publicPrivileges.includes('CREATE'))
      .map((item) => item.schema);
    expect(flagged).toEqual(['public']);
  });

  it('revokes CREATE from PUBLIC, is idempotent, and its inverse grants it back', async () => {
    expect(await publicMayCreate()).toBe(true);
    const { output, undo } = await actWithUndo(
      connector,
      'postgres.schema.revoke',
      { database, schema: 'public', privilege: 'CREATE', from: 'PUBLIC' },
      credential,
    );
    expect(output).toMatchObject({ publicPrivileges: ['USAGE'] });
    expect(await publicMayCreate()).toBe(false);
    // USAGE and the owner's privileges are left alone.
    const usage = await inDb.query<{ ok: boolean }>(
      `SELECT has_schema_privilege($1, 'public', 'USAGE') AS ok`,
      [probe],
    );
    expect(usage.rows[0]?.ok).toBe(true);

    expect(action('postgres.schema.revoke').idempotent).toBe(true);
    const again = await call(
      connector,
      'postgres.schema.revoke',
      { database, schema: 'public', privilege: 'CREATE', from: 'PUBLIC' },
      credential,
    );
    expect(again).toEqual(output);

    expect(await undo()).toBe('undone');
    expect(await publicMayCreate()).toBe(true);
  });

  it('undoing a revoke of a privilege nobody held changes nothing', async () => {
    const { undo } = await actWithUndo(
      connector,
      'postgres.schema.revoke',
      { database, schema: 'staging', privilege: 'CREATE', from: 'PUBLIC' },
      credential,
    );
    expect(await undo()).toBe('unchanged');
    expect(await publicMayCreate('staging')).toBe(false);
  });

  it('grants to a named role, and its inverse revokes only what the grant added', async () => {
    expect(await appMay('CREATE', 'staging')).toBe(false);
    const added = await actWithUndo(
      connector,
      'postgres.schema.grant',
      { database, schema: 'staging', privilege: 'CREATE', to: app },
      credential,
    );
    expect(added.output).toMatchObject({ grantees: { [app]: ['USAGE', 'CREATE'] } });
    expect(await appMay('CREATE', 'staging')).toBe(true);
    expect(await added.undo()).toBe('undone');
    expect(await appMay('CREATE', 'staging')).toBe(false);

    // USAGE was held before the grant: undoing the grant must not take it away.
    const held = await actWithUndo(
      connector,
      'postgres.schema.grant',
      { database, schema: 'staging', privilege: 'USAGE', to: app },
      credential,
    );
    expect(await held.undo()).toBe('unchanged');
    expect(await appMay('USAGE', 'staging')).toBe(true);
  });

  it('fails non-retryable when the REVOKE did not take (the credential does not own the schema)', async () => {
    const weak = credentialFor(adminUrl(database, outsider), 'pg-outsider');
    const failure = await call(
      connector,
      'postgres.schema.revoke',
      { database, schema: 'public', privilege: 'CREATE', from: 'PUBLIC' },
      weak,
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ActionFailure);
    expect((failure as ActionFailure).kind).toBe('non-retryable');
    expect((failure as ActionFailure).message).toMatch(
      /REVOKE ran but PUBLIC still holds CREATE on schema public/,
    );
    expect(await publicMayCreate()).toBe(true);
  });

  it('classifies a missing role, a missing schema and a lower-case public as non-retryable', async () => {
    const attempts = [
      call(
        connector,
        'postgres.schema.grant',
        { database, schema: 'staging', privilege: 'USAGE', to: 'no_such_role_x' },
        credential,
      ),
      call(
        connector,
        'postgres.schema.revoke',
        { database, schema: 'nope', privilege: 'USAGE', from: 'PUBLIC' },
        credential,
      ),
      call(
        connector,
        'postgres.schema.revoke',
        { database, schema: 'public', privilege: 'CREATE', from: 'public' },
        credential,
      ),
    ];
    const failures = await Promise.all(attempts.map((attempt) => attempt.catch((error: unknown) => error)));
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(ActionFailure);
      expect((failure as ActionFailure).kind).toBe('non-retryable');
    }
    const [role, schema, lower] = failures as ActionFailure[];
    expect(role?.message).toMatch(
      /postgres\.schema\.grant on database rt_db_\w+ \(credential pg-test\) failed: role "no_such_role_x" does not exist \[SQLSTATE 42704\]/,
    );
    expect(schema?.message).toMatch(/schema "nope" does not exist \[SQLSTATE 3F000\]/);
    expect(lower?.message).toMatch(/write PUBLIC in capitals/);
    expect(await publicMayCreate()).toBe(true);
  });

  it('connects to the database the action names, not the one in the URL', async () => {
    const other = uniqueName('db');
    await admin.query(`CREATE DATABASE ${other}`);
    try {
      const there = await call(
        connector,
        'postgres.schema.privileges',
        { database: other, schema: 'public' },
        credential,
      );
      // A fresh PostgreSQL 15 database: PUBLIC has USAGE only.
      expect(there).toMatchObject({ database: other, publicPrivileges: ['USAGE'] });
      const here = await call(
        connector,
        'postgres.schema.privileges',
        { database, schema: 'public' },
        credential,
      );
      expect(here).toMatchObject({ publicPrivileges: ['USAGE', 'CREATE'] });
    } finally {
      await connector.close?.(); // its pool holds a connection to `other`
      await dropAll(admin, [other], []);
    }
  });
});
