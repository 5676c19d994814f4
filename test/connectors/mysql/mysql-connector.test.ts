import { createConnection, escapeId, type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mysqlConnector } from '../../../src/connectors/mysql/mysql-connector.js';
import type { ResolvedCredential } from '../../../src/core/catalog/connector.js';
import { serviceAvailable } from '../../helpers/services.js';
import { catalog, catalogCaller, rejection, testName } from './catalog-calls.js';

const run = await serviceAvailable('mariadb');

/** `'user'@'host'` quoted as the admin side writes it, independent of the connector. */
const account = (user: string, host = '%') => `${escapeId(user, true)}@${escapeId(host, true)}`;

describe.runIf(run)('mysql connector against a real MariaDB', () => {
  let admin: Connection;
  const created: string[] = []; // account SQL of everything to drop
  const roles: string[] = [];
  const remediatorUser = testName('_r');
  const remediatorPassword = `pw-${Math.random().toString(36).slice(2)}-Secret`;
  const credential = (
    name = 'mysql-remediator',
    url = `mysql://${remediatorUser}:${remediatorPassword}@127.0.0.1:3306/`,
  ): ResolvedCredential => ({
    name,
    connector: 'mysql',
    settings: { url },
    scopes: [],
  });
  const rootCredential = credential('mysql-root', 'mysql://root@127.0.0.1:3306/');
  const connector = mysqlConnector();
  const { call, snapshot, undo } = catalogCaller(connector, credential());

  async function createAccount(options: { host?: string; password?: string; user?: string } = {}) {
    const user = options.user ?? testName();
    const host = options.host ?? '%';
    const identified =
      options.password === undefined ? '' : ` IDENTIFIED BY ${admin.escape(options.password)}`;
    await admin.query(`CREATE USER ${account(user, host)}${identified}`);
    created.push(account(user, host));
    return { user, host };
  }
  const grants = async (user: string, host = '%') => {
    const [rows] = await admin.query<RowDataPacket[]>(`SHOW GRANTS FOR ${account(user, host)}`);
    return rows.map((row) => String(Object.values(row)[0])).join('\n');
  };
  const lockedIndependently = async (user: string, host = '%') => {
    const [rows] = await admin.query<RowDataPacket[]>(`SHOW CREATE USER ${account(user, host)}`);
    return String(Object.values(rows[0] ?? {})[0]).includes('ACCOUNT LOCK');
  };

  beforeAll(async () => {
    admin = await createConnection('mysql://root@127.0.0.1:3306/');
    // The remediator has what the catalog says it needs, no more: read the account tables, lock
    // accounts (CREATE USER), and grant/revoke the few privileges the tests move.
    await admin.query(
      `CREATE USER ${account(remediatorUser)} IDENTIFIED BY ${admin.escape(remediatorPassword)}`,
    );
    await admin.query(`GRANT SELECT ON mysql.* TO ${account(remediatorUser)}`);
    await admin.query(
      `GRANT CREATE USER, FILE, PROCESS, RELOAD ON *.* TO ${account(remediatorUser)} WITH GRANT OPTION`,
    );
  });
  afterEach(async () => {
    for (const name of created.splice(0)) await admin.query(`DROP USER IF EXISTS ${name}`);
    for (const name of roles.splice(0)) await admin.query(`DROP ROLE IF EXISTS ${name}`);
  });
  afterAll(async () => {
    await connector.close?.();
    await admin.query(`DROP USER IF EXISTS ${account(remediatorUser)}`);
    await admin.end();
  });

  it('performs every mysql action of the catalog, and only those', () => {
    const ids = catalog
      .list()
      .filter((a) => a.connector === 'mysql')
      .map((a) => a.id)
      .sort();
    expect(Object.keys(connector.handlers).sort()).toEqual(ids);
  });

  it('reads a passwordless account open to any host, a protected one, and a missing one', async () => {
    const open = await createAccount();
    const guarded = await createAccount({ host: 'localhost', password: 'not-empty-1' });
    expect(await call('mysql.account.get', open)).toEqual({
      ...open,
      exists: true,
      hasPassword: false,
      locked: false,
      openToAnyHost: true,
    });
    expect(await call('mysql.account.get', guarded)).toEqual({
      ...guarded,
      exists: true,
      hasPassword: true,
      locked: false,
      openToAnyHost: false,
    });
    // The password hash is compared on the server, never fetched: it is in no output.
    const [hashRows] = await admin.query<RowDataPacket[]>(
      "SELECT JSON_VALUE(Priv, '$.authentication_string') AS hash FROM mysql.global_priv WHERE User = ? AND Host = ?",
      [guarded.user, guarded.host],
    );
    const hash = String(hashRows[0]?.hash);
    expect(hash).toMatch(/^\*[0-9A-F]{40}$/);
    const listed = await call('mysql.account.list', {});
    expect(JSON.stringify([listed, await call('mysql.account.get', guarded)])).not.toContain(hash.slice(1));
    expect(await call('mysql.account.get', { user: testName(), host: '%' })).toMatchObject({
      exists: false,
      hasPassword: false,
      locked: false,
    });
  });

  it('lists accounts for scans, flags the exposed ones, and leaves roles out', async () => {
    const open = await createAccount();
    const guarded = await createAccount({ host: '10.0.%', password: 'not-empty-2' });
    const role = testName('_role');
    await admin.query(`CREATE ROLE ${escapeId(role, true)}`);
    roles.push(escapeId(role, true));
    const all = (await call('mysql.account.list', {})).items as Record<string, unknown>[];
    expect(all).toContainEqual({ ...open, hasPassword: false, locked: false, openToAnyHost: true });
    expect(all).toContainEqual({ ...guarded, hasPassword: true, locked: false, openToAnyHost: false });
    expect(all.some((a) => a.user === role)).toBe(false);
    const exposed = (await call('mysql.account.list', { exposedOnly: true })).items as Record<
      string,
      unknown
    >[];
    expect(exposed.some((a) => a.user === open.user)).toBe(true);
    expect(exposed.some((a) => a.user === guarded.user)).toBe(false);
    expect(exposed.every((a) => a.hasPassword === false || a.openToAnyHost === true)).toBe(true);
  });

  it('locks an account for real (it can no longer log in), idempotently, and its inverse unlocks it', async () => {
    const target = await createAccount({ password: 'target-pw-1' });
    const before = await snapshot('mysql.account.lock', target);
    const after = await call('mysql.account.lock', target);
    expect(after).toMatchObject({ exists: true, locked: true });
    expect(await lockedIndependently(target.user)).toBe(true);
    // The lock is real: logging in as the account is refused, and the connector says why.
    const asTarget = credential('target', `mysql://${target.user}:target-pw-1@127.0.0.1:3306/`);
    const refused = await rejection(call('mysql.account.get', target, { credential: asTarget }));
    expect(refused.kind).toBe('credentials');
    expect(refused.message).not.toContain('target-pw-1');
    // Idempotent: locking again changes nothing and succeeds.
    expect(await call('mysql.account.lock', target)).toEqual(after);
    expect(await undo('mysql.account.lock', target, before)).toBe('undone');
    expect(await lockedIndependently(target.user)).toBe(false);
    // Unlocked for real: the account logs in again (it may not read mysql.*, which says so).
    const notPermitted = await rejection(call('mysql.account.get', target, { credential: asTarget }));
    expect(notPermitted.kind).toBe('non-retryable');
    expect(notPermitted.message).toMatch(/denied .*global_priv|denied .*mysql/);
  });

  it('does not unlock on undo an account that was locked before the lock', async () => {
    const target = await createAccount();
    await admin.query(`ALTER USER ${account(target.user)} ACCOUNT LOCK`);
    const before = await snapshot('mysql.account.lock', target);
    await call('mysql.account.lock', target);
    expect(await undo('mysql.account.lock', target, before)).toBe('unchanged');
    expect(await lockedIndependently(target.user)).toBe(true);
  });

  it('unlocks an account, and its inverse locks it again', async () => {
    const target = await createAccount();
    await admin.query(`ALTER USER ${account(target.user)} ACCOUNT LOCK`);
    const before = await snapshot('mysql.account.unlock', target);
    expect(await call('mysql.account.unlock', target)).toMatchObject({ locked: false });
    expect(await lockedIndependently(target.user)).toBe(false);
    expect(await call('mysql.account.unlock', target)).toMatchObject({ locked: false });
    expect(await undo('mysql.account.unlock', target, before)).toBe('undone');
    expect(await lockedIndependently(target.user)).toBe(true);
  });

  it('reads global privileges as SHOW GRANTS names them, GRANT OPTION included', async () => {
    const target = await createAccount();
    expect(await call('mysql.privileges.get', target)).toEqual({ ...target, exists: true, privileges: [] });
    await admin.query(`GRANT SELECT, FILE ON *.* TO ${account(target.user)} WITH GRANT OPTION`);
    expect(await call('mysql.privileges.get', target)).toEqual({
      ...target,
      exists: true,
      privileges: ['SELECT', 'FILE', 'GRANT OPTION'],
    });
    expect(await call('mysql.privileges.get', { user: testName(), host: '%' })).toMatchObject({
      exists: false,
      privileges: [],
    });
  });

  it('revokes a global privilege for real, idempotently, and its inverse grants it back', async () => {
    const target = await createAccount();
    await admin.query(`GRANT FILE, PROCESS ON *.* TO ${account(target.user)}`);
    const params = { ...target, privilege: 'FILE' };
    const before = await snapshot('mysql.privilege.revoke', params);
    expect(await call('mysql.privilege.revoke', params)).toMatchObject({ privileges: ['PROCESS'] });
    expect(await grants(target.user)).toMatch(/GRANT PROCESS ON \*\.\*/);
    expect(await grants(target.user)).not.toMatch(/FILE/);
    expect(await call('mysql.privilege.revoke', params)).toMatchObject({ privileges: ['PROCESS'] });
    expect(await undo('mysql.privilege.revoke', params, before)).toBe('undone');
    expect(await grants(target.user)).toMatch(/GRANT PROCESS, FILE ON \*\.\*/);
  });

  it('does not grant back on undo a privilege the account never held', async () => {
    const target = await createAccount();
    const params = { ...target, privilege: 'RELOAD' };
    const before = await snapshot('mysql.privilege.revoke', params);
    await call('mysql.privilege.revoke', params);
    expect(await undo('mysql.privilege.revoke', params, before)).toBe('unchanged');
    expect(await grants(target.user)).not.toMatch(/RELOAD/);
  });

  it('grants a global privilege (GRANT OPTION too), and its inverse revokes only what it added', async () => {
    const target = await createAccount();
    await admin.query(`GRANT PROCESS ON *.* TO ${account(target.user)}`);
    for (const privilege of ['FILE', 'GRANT OPTION']) {
      const params = { ...target, privilege };
      const before = await snapshot('mysql.privilege.grant', params);
      const after = await call('mysql.privilege.grant', params);
      expect(after.privileges).toContain(privilege);
      expect(await undo('mysql.privilege.grant', params, before)).toBe('undone');
      expect((await call('mysql.privileges.get', target)).privileges).toEqual(['PROCESS']);
    }
    const held = { ...target, privilege: 'PROCESS' };
    const before = await snapshot('mysql.privilege.grant', held);
    await call('mysql.privilege.grant', held);
    expect(await undo('mysql.privilege.grant', held, before)).toBe('unchanged');
    expect(await grants(target.user)).toMatch(/GRANT PROCESS ON \*\.\*/);
  });

  it('revokes ALL PRIVILEGES only from an account that holds them all, so its undo restores exactly', async () => {
    const root = catalogCaller(connector, rootCredential);
    const full = await createAccount();
    await admin.query(`GRANT ALL PRIVILEGES ON *.* TO ${account(full.user)}`);
    const params = { ...full, privilege: 'ALL PRIVILEGES' };
    const before = await root.snapshot('mysql.privilege.revoke', params);
    expect(await root.call('mysql.privilege.revoke', params)).toMatchObject({ privileges: [] });
    expect(await root.undo('mysql.privilege.revoke', params, before)).toBe('undone');
    expect(await grants(full.user)).toMatch(/GRANT ALL PRIVILEGES ON \*\.\*/);

    // Revoking ALL from an account holding only SELECT could never be undone exactly: refused.
    const partial = await createAccount();
    await admin.query(`GRANT SELECT ON *.* TO ${account(partial.user)}`);
    const refused = await rejection(
      root.call('mysql.privilege.revoke', { ...partial, privilege: 'ALL PRIVILEGES' }),
    );
    expect(refused.kind).toBe('non-retryable');
    expect(refused.message).toContain('one by one');
    expect(await grants(partial.user)).toMatch(/GRANT SELECT ON \*\.\*/);
  });

  it('quotes account names: quotes, backticks, dots and SQL in a name act on that account only', async () => {
    const sibling = await createAccount();
    const hostile = await createAccount({ user: `rfy_t_q'\`.x; DROP USER ${sibling.user}` });
    expect(await call('mysql.account.lock', hostile)).toMatchObject({ exists: true, locked: true });
    expect(await lockedIndependently(hostile.user)).toBe(true);
    expect(await call('mysql.account.get', sibling)).toMatchObject({ exists: true, locked: false });
  });

  it('classifies failures and never shows the password', async () => {
    const wrong = credential('mysql-remediator', `mysql://${remediatorUser}:wrong-Secret-9@127.0.0.1:3306/`);
    const denied = await rejection(
      call('mysql.account.get', { user: 'x', host: '%' }, { credential: wrong }),
    );
    expect(denied.kind).toBe('credentials');
    expect(denied.message).toContain('mysql-remediator');

    const down = credential('mysql-down', `mysql://${remediatorUser}:${remediatorPassword}@127.0.0.1:1/`);
    const unreachable = await rejection(
      call('mysql.account.get', { user: 'x', host: '%' }, { credential: down }),
    );
    expect(unreachable.kind).toBe('retryable');

    const missing = await rejection(call('mysql.account.lock', { user: testName(), host: '%' }));
    expect(missing.kind).toBe('non-retryable');
    expect(missing.message).toMatch(/does not exist/);

    // Permitted to read, not to lock: not a credential problem, and a retry cannot help.
    const reader = await createAccount({ password: 'reader-pw-7' });
    await admin.query(`GRANT SELECT ON mysql.* TO ${account(reader.user)}`);
    const target = await createAccount();
    const asReader = credential('mysql-reader', `mysql://${reader.user}:reader-pw-7@127.0.0.1:3306/`);
    const forbidden = await rejection(call('mysql.account.lock', target, { credential: asReader }));
    expect(forbidden.kind).toBe('non-retryable');
    expect(await lockedIndependently(target.user)).toBe(false);

    const get = connector.handlers['mysql.account.get'];
    if (!get) throw new Error('mysql.account.get is not performed');
    const none = await rejection(get({ user: 'x', host: '%' }, { signal: new AbortController().signal }));
    expect(none.kind).toBe('non-retryable');

    for (const error of [denied, unreachable, missing, forbidden])
      for (const secret of [remediatorPassword, 'wrong-Secret-9', 'reader-pw-7', 'mysql://'])
        expect(error.message).not.toContain(secret);
  });

  it('gives up at once, retryable, when the step is aborted', async () => {
    const controller = new AbortController();
    const pending = call('mysql.account.list', {}, { signal: controller.signal });
    controller.abort();
    const abandoned = await rejection(pending);
    expect(abandoned.kind).toBe('retryable');
    expect(abandoned.message).toMatch(/abandoned/);
    // The pool still serves the next call.
    expect((await call('mysql.account.list', {})).items).toBeInstanceOf(Array);
  });
});
