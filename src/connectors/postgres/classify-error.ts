import { ActionFailure, coerceError, type FailureKind } from '../../core/errors.js';
import { redact } from './connection-url.js';

/** Where a failure happened, for the message: never the URL or the password. */
export interface FailureContext {
  readonly action: string;
  readonly database: string;
  readonly credential: string;
  /** Blanked out of the message (see connection-url.ts). */
  readonly secrets: readonly string[];
}

// SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
// Authentication: a wrong or expired password (`VALID UNTIL` passed answers 28P01 too), or no
// pg_hba.conf entry: a person must fix the credential, retrying cannot.
const credentialCodes = new Set(['28P01', '28000']);
// Worth retrying: the server or the network hiccupped, or we lost a race with another session.
const retryableClasses = new Set([
  '08', // connection exception
  '40', // transaction rollback: serialization failure 40001, deadlock 40P01
  '53', // insufficient resources: too many connections 53300, out of memory
]);
const retryableCodes = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '57014', // query_canceled (statement_timeout)
  '55P03', // lock_not_available (lock_timeout)
  '55006', // object_in_use
]);
// Node socket errors: the server is down, restarting, or unreachable for now.
const retryableSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// pg's own messages for a dropped or slow connection (they carry no code).
const retryableMessages =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|Client has encountered a connection error/i;

/**
 * Classifies anything thrown by `pg` (or a socket) into an `ActionFailure` whose message names the
 * action, database and credential, keeps the server's reason and SQLSTATE, and holds no secret.
 * `ActionFailure`s raised by the connector itself pass through, redacted.
 * @example
 * classifyError(Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' }), ctx).kind
 * // 'credentials'
 */
export function classifyError(thrown: unknown, context: FailureContext): ActionFailure {
  if (thrown instanceof ActionFailure)
    return new ActionFailure(redact(thrown.message, context.secrets), thrown.kind, thrown.details);
  const error = coerceError(thrown);
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  const kind = kindOf(code, error.message);
  // AggregateError (every address refused) has an empty message: say what happened instead.
  const reason =
    error.message !== '' ? error.message : code !== '' ? `cannot reach the server (${code})` : error.name;
  const suffix = /^[0-9A-Z]{5}$/.test(code) ? ` [SQLSTATE ${code}]` : '';
  const hint =
    kind === 'credentials'
      ? `: the server refused credential ${context.credential}; check its password and VALID UNTIL`
      : '';
  const message = `${context.action} on database ${context.database} (credential ${context.credential}) failed: ${reason}${suffix}${hint}`;
  return new ActionFailure(redact(message, context.secrets), kind);
}

function kindOf(code: string, message: string): FailureKind {
  if (credentialCodes.has(code)) return 'credentials';
  // The server asked for a password the URL does not have, or SCRAM failed on our side.
  if (/^SASL:|client password must be a string/.test(message)) return 'credentials';
  if (retryableCodes.has(code) || retryableSocketCodes.has(code)) return 'retryable';
  if (code.length === 5 && retryableClasses.has(code.slice(0, 2))) return 'retryable';
  if (code === '' && retryableMessages.test(message)) return 'retryable';
  return 'non-retryable';
}
