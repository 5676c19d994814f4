import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlSession } from './mysql-pools.js';

/** An account as the catalog's `mysql.account.get` reports it. */
export interface AccountState {
  readonly user: string;
  readonly host: string;
  readonly exists: boolean;
  readonly hasPassword: boolean;
  readonly locked: boolean;
  readonly openToAnyHost: boolean;
}

/**
 * Plugins that authenticate with a password: with an empty hash they let anyone in. Other plugins
 * (unix_socket, auth_socket, pam, gssapi, ...) never accept an empty password, so an account using
 * one counts as having one. MariaDB's `IDENTIFIED VIA a OR b` alternatives are not read: only the
 * main plugin is.
 */
const passwordPlugins = new Set([
  '',
  'mysql_native_password',
  'mysql_old_password',
  'caching_sha2_password',
  'sha256_password',
  'ed25519',
  'parsec',
]);

/**
 * One SELECT per dialect, reading plugin, whether the hash is empty and the lock flag. The hash
 * itself is compared on the server and never fetched.
 * - MySQL 5.7/8: columns of mysql.user (`account_locked` is 'Y'/'N'); roles are locked accounts.
 * - MariaDB 10.4+: mysql.user is a view that lacks the lock flag, so mysql.global_priv's JSON is
 *   read (`account_locked` and `is_role` are JSON booleans, which JSON_VALUE renders as 1 or
 *   true); roles (`is_role`) are left out, they cannot log in.
 * The credential needs SELECT on mysql.user (MySQL) or mysql.global_priv (MariaDB).
 */
const accountsSql = {
  mysql: `SELECT User AS user, Host AS host, plugin AS plugin,
            authentication_string = '' AS emptyHash, account_locked = 'Y' AS locked
          FROM mysql.user`,
  mariadb: `SELECT User AS user, Host AS host,
              IFNULL(JSON_VALUE(Priv, '$.plugin'), '') AS plugin,
              IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') = '' AS emptyHash,
              IFNULL(JSON_VALUE(Priv, '$.account_locked'), '0') IN ('1', 'true') AS locked
            FROM mysql.global_priv
            WHERE IFNULL(JSON_VALUE(Priv, '$.is_role'), '0') NOT IN ('1', 'true')`,
} as const;

function toState(row: RowDataPacket): AccountState {
  const plugin = String(row.plugin ?? '');
  const host = String(row.host);
  return {
    user: String(row.user),
    host,
    exists: true,
    hasPassword: !(passwordPlugins.has(plugin) && Number(row.emptyHash) === 1),
    locked: Number(row.locked) === 1,
    openToAnyHost: host === '%',
  };
}

/** Reads one account; `exists: false` (every flag false) when there is no such account. */
export async function readAccount(session: MysqlSession, user: string, host: string): Promise<AccountState> {
  // Bound values (server-side prepared statement), never pasted.
  const [rows] = await session.connection.execute<RowDataPacket[]>(
    `${accountsSql[session.dialect]} ${session.dialect === 'mariadb' ? 'AND' : 'WHERE'} User = ? AND Host = ?`,
    [user, host],
  );
  const row = rows[0];
  if (row === undefined)
    return { user, host, exists: false, hasPassword: false, locked: false, openToAnyHost: host === '%' };
  return toState(row);
}

/** Every account (MariaDB roles excluded), ordered by user then host. */
export async function listAccounts(session: MysqlSession): Promise<AccountState[]> {
  const [rows] = await session.connection.query<RowDataPacket[]>(
    `${accountsSql[session.dialect]} ORDER BY User, Host`,
  );
  return rows.map(toState);
}
