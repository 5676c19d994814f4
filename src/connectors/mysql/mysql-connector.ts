import { escapeId } from 'mysql2';
import type { RowDataPacket } from 'mysql2/promise';
import type { ActionHandler, Connector } from '../../core/catalog/connector.js';
import { ActionFailure } from '../../core/errors.js';
import { listAccounts, readAccount, type AccountState } from './mysql-accounts.js';
import { MysqlPools, type MysqlSession } from './mysql-pools.js';
import { grantablePrivileges } from './catalog.js';
import { globalPrivileges } from './show-grants.js';

/**
 * Privileges the grant and revoke actions accept: the catalog's enum, checked again here because
 * privilege names are keywords that cannot be bound or quoted, only chosen from a list.
 */
const privilegeKeywords: ReadonlySet<string> = new Set(grantablePrivileges);

/**
 * `'user'@'host'` as SQL: each part quoted as an identifier by the driver (backticks doubled,
 * never split on dots). Backtick quoting does not depend on the session's sql_mode, unlike string
 * quoting under NO_BACKSLASH_ESCAPES; MySQL and MariaDB both accept account names quoted so.
 */
function accountSql(user: string, host: string): string {
  return `${escapeId(user, true)}@${escapeId(host, true)}`;
}

const label = (user: string, host: string) => `account '${user}'@'${host}'`;

function accountParams(params: Record<string, unknown>): { user: string; host: string } {
  return { user: String(params.user), host: String(params.host) };
}

function privilegeParam(params: Record<string, unknown>): string {
  const privilege = String(params.privilege);
  if (!privilegeKeywords.has(privilege))
    throw new ActionFailure(
      `mysql: privilege "${privilege}" is not one this connector grants or revokes; use one of ${[...privilegeKeywords].join(', ')}`,
      'non-retryable',
    );
  return privilege;
}

async function existing(session: MysqlSession, user: string, host: string): Promise<AccountState> {
  const state = await readAccount(session, user, host);
  // Writes never create an account (MariaDB's GRANT would, without NO_AUTO_CREATE_USER).
  if (!state.exists)
    throw new ActionFailure(
      `mysql: ${label(user, host)} does not exist; check the user and host (mysql.account.list shows every account)`,
      'non-retryable',
    );
  return state;
}

async function readPrivileges(session: MysqlSession, user: string, host: string) {
  const state = await readAccount(session, user, host);
  if (!state.exists) return { user, host, exists: false, privileges: [] as string[] };
  const [rows] = await session.connection.query<RowDataPacket[]>(`SHOW GRANTS FOR ${accountSql(user, host)}`);
  // One column, named after the account ("Grants for u@h"): read it by position.
  const lines = rows.map((row) => String(Object.values(row)[0]));
  return { user, host, exists: true, privileges: globalPrivileges(lines) };
}

/**
 * The `mysql` connector: accounts and global privileges of a MySQL (5.7, 8) or MariaDB (10.4+)
 * server, through the step's credential (`with: { url: mysql://user:pw@host:3306/ }`). One pool
 * per credential. Writes check the account exists first and return its state after the change.
 * @example
 * const mysql = mysqlConnector()
 * await mysql.handlers['mysql.account.lock']!({ user: 'legacy', host: '%' }, { signal, credential })
 * await mysql.close()
 */
export function mysqlConnector(): Connector {
  const pools = new MysqlPools();
  type Context = Parameters<ActionHandler>[1];

  // ALTER USER .. ACCOUNT LOCK is the same on MySQL 5.7+/8 and MariaDB 10.4+; locking a locked
  // account is a no-op, so the action is idempotent.
  const setLocked = (params: Record<string, unknown>, { signal, credential }: Context, lock: boolean) => {
    const { user, host } = accountParams(params);
    const what = `${lock ? 'lock' : 'unlock'} ${label(user, host)}`;
    return pools.use(credential, signal, what, async (s) => {
      await existing(s, user, host);
      await s.connection.query(`ALTER USER ${accountSql(user, host)} ACCOUNT ${lock ? 'LOCK' : 'UNLOCK'}`);
      return readAccount(s, user, host);
    });
  };

  const changePrivilege = (
    params: Record<string, unknown>,
    { signal, credential }: Context,
    change: 'grant' | 'revoke',
  ) => {
    const { user, host } = accountParams(params);
    const privilege = privilegeParam(params);
    const what = `${change} ${privilege} on *.* ${change === 'grant' ? 'to' : 'from'} ${label(user, host)}`;
    return pools.use(credential, signal, what, async (s) => {
      await existing(s, user, host);
      if (change === 'revoke' && privilege === 'ALL PRIVILEGES') {
        // The undo of this revoke can only grant ALL PRIVILEGES back: allowed only when that is
        // what the account held (or it held nothing), so undoing never grants more than it had.
        const held = (await readPrivileges(s, user, host)).privileges.filter((p) => p !== 'GRANT OPTION');
        if (held.length > 0 && !held.includes('ALL PRIVILEGES'))
          throw new ActionFailure(
            `mysql: ${label(user, host)} holds some global privileges, not ALL PRIVILEGES: revoke them one by one (${held.join(', ')}) so that each can be undone`,
            'non-retryable',
          );
      }
      const account = accountSql(user, host);
      // Revoking a global privilege the account does not hold succeeds on both servers (it is a
      // no-op), and granting a held one too: both actions are idempotent.
      const sql =
        change === 'revoke'
          ? `REVOKE ${privilege} ON *.* FROM ${account}`
          : privilege === 'GRANT OPTION'
            ? `GRANT USAGE ON *.* TO ${account} WITH GRANT OPTION`
            : `GRANT ${privilege} ON *.* TO ${account}`;
      await s.connection.query(sql);
      return readPrivileges(s, user, host);
    });
  };

  const handlers: Record<string, ActionHandler> = {
    'mysql.account.get': (params, { signal, credential }) => {
      const { user, host } = accountParams(params);
      return pools.use(credential, signal, `read ${label(user, host)}`, (s) => readAccount(s, user, host));
    },
    'mysql.account.list': (params, { signal, credential }) =>
      pools.use(credential, signal, 'list accounts', async (s) => {
        const accounts = await listAccounts(s);
        const items = accounts
          .filter((a) => params.exposedOnly !== true || !a.hasPassword || a.openToAnyHost)
          // `exists` belongs to a single read; a listed account exists by definition.
          .map(({ user, host, hasPassword, locked, openToAnyHost }) => ({
            user,
            host,
            hasPassword,
            locked,
            openToAnyHost,
          }));
        return { items };
      }),
    'mysql.privileges.get': (params, { signal, credential }) => {
      const { user, host } = accountParams(params);
      return pools.use(credential, signal, `read the global privileges of ${label(user, host)}`, (s) =>
        readPrivileges(s, user, host),
      );
    },
    'mysql.account.lock': (params, context) => setLocked(params, context, true),
    'mysql.account.unlock': (params, context) => setLocked(params, context, false),
    'mysql.privilege.revoke': (params, context) => changePrivilege(params, context, 'revoke'),
    'mysql.privilege.grant': (params, context) => changePrivilege(params, context, 'grant'),
  };

  return { name: 'mysql', handlers, close: () => pools.close() };
}
