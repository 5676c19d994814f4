import { ActionFailure, type FailureKind } from '../../core/errors.js';
import { redactCredential } from './mysql-credential.js';

/**
 * Server error codes (mysql2's `code`, named after MySQL's numbers) and what a retry can do about
 * them. MySQL and MariaDB share the numbers below 3000; above, they differ: "account is locked" is
 * 3118 on MySQL (ER_ACCOUNT_HAS_BEEN_LOCKED) and 4151 on MariaDB, which mysql2 names after
 * MySQL's unrelated 4151 (see `mariadbLockedAtConnect`).
 */
const credentialCodes = new Set([
  'ER_ACCESS_DENIED_ERROR', // 1045: wrong user or password at connect
  'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
  'ER_ACCOUNT_HAS_BEEN_LOCKED', // the remediator's own account was locked
  'ER_MUST_CHANGE_PASSWORD_LOGIN', // its password expired
  'ER_MUST_CHANGE_PASSWORD',
  'ER_NOT_SUPPORTED_AUTH_MODE',
]);
const retryableCodes = new Set([
  'ER_CON_COUNT_ERROR', // too many connections
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_USER_LIMIT_REACHED',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** MariaDB's "Access denied, this account is locked", as mysql2 names it. */
const mariadbLockedAtConnect = 'ER_BULK_PARSER_INCOMPLETE_ESCAPE_SEQUENCE';

interface DriverError {
  readonly code?: unknown;
  readonly sqlMessage?: unknown;
  readonly message?: unknown;
  readonly errors?: unknown;
}

function codeOf(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const { code, errors } = thrown as DriverError;
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect rejects with an AggregateError of one error per address.
  if (Array.isArray(errors)) return errors.map(codeOf).find((c) => c !== undefined);
  return undefined;
}

/**
 * What a retry can do about an error of the driver. `connecting`: the error came while logging in,
 * where "access denied to database" (1044) means the credential's URL names a database it may not
 * use; later, as when SHOW GRANTS needs the mysql schema, it means the action is not permitted.
 * MariaDB's locked-account number (4151) is read only at login, where MySQL never sends its 4151.
 */
export function mysqlFailureKind(code: string | undefined, connecting = false): FailureKind {
  if (code === undefined) return 'non-retryable';
  if (credentialCodes.has(code)) return 'credentials';
  if (code === 'ER_DBACCESS_DENIED_ERROR' || code === mariadbLockedAtConnect)
    return connecting ? 'credentials' : 'non-retryable';
  if (retryableCodes.has(code)) return 'retryable';
  return 'non-retryable';
}

/**
 * Turns anything the driver threw into an `ActionFailure` that names what failed and the error
 * code, never the password: the server's own text is kept only for non-credential errors, after
 * the credential's URL and password are cut out of it. The driver's error is NOT kept as `cause`:
 * it may carry the connection config.
 * @example
 * toMysqlFailure(err, "lock account 'app'@'%'", url, 'mysql-locker')
 *   // ActionFailure("mysql: lock account 'app'@'%' failed (ECONNREFUSED): ...", 'retryable')
 */
export function toMysqlFailure(
  thrown: unknown,
  what: string,
  url: string,
  credentialName: string,
  connecting = false,
): ActionFailure {
  if (thrown instanceof ActionFailure) return thrown;
  const code = codeOf(thrown);
  const kind = mysqlFailureKind(code, connecting);
  if (kind === 'credentials')
    return new ActionFailure(
      `mysql: ${what} failed: the server refused credential "${credentialName}" (${code}); check its user, password and lock status`,
      kind,
    );
  const detail = thrown as DriverError | undefined;
  const text =
    typeof detail?.sqlMessage === 'string'
      ? detail.sqlMessage
      : kind === 'retryable'
        ? 'the server could not be reached or was busy'
        : typeof detail?.message === 'string'
          ? detail.message
          : String(thrown);
  return new ActionFailure(
    `mysql: ${what} failed (${code ?? 'error'}): ${redactCredential(text, url)}`,
    kind,
  );
}
