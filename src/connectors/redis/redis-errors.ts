import { ActionFailure, type FailureKind } from '../../core/errors.js';
import { redactSecrets } from './redis-credential.js';

/** Reply error prefixes (the first word of a Redis error reply) and what a retry can do. */
const credentialReplies = new Set(['WRONGPASS', 'NOAUTH']);
const retryableReplies = new Set(['LOADING', 'BUSY', 'MASTERDOWN', 'TRYAGAIN', 'CLUSTERDOWN', 'READONLY']);
const retryableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** ioredis's own messages when the connection is gone or was never made. */
const retryableClientMessages = [
  /^Connection is closed/,
  /^Stream isn't writeable/,
  /^Reached the max retries per request limit/,
  /^connect ETIMEDOUT/,
];

interface ClientError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly errors?: unknown;
}

function messageOf(thrown: unknown): string {
  const message = (thrown as ClientError | undefined)?.message;
  return typeof message === 'string' ? message : String(thrown);
}

function codeOf(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const { code, errors } = thrown as ClientError;
  if (typeof code === 'string') return code;
  if (Array.isArray(errors)) return errors.map(codeOf).find((c) => c !== undefined);
  return undefined;
}

/** What a retry can do about an error of the client or a reply error of the server. */
export function redisFailureKind(thrown: unknown): FailureKind {
  const message = messageOf(thrown);
  const isReply = (thrown as ClientError | undefined)?.name === 'ReplyError';
  if (isReply) {
    const prefix = message.split(' ', 1)[0] ?? '';
    if (credentialReplies.has(prefix)) return 'credentials';
    if (retryableReplies.has(prefix)) return 'retryable';
    return 'non-retryable';
  }
  const code = codeOf(thrown);
  if (code !== undefined && retryableCodes.has(code)) return 'retryable';
  if (retryableClientMessages.some((pattern) => pattern.test(message))) return 'retryable';
  return 'non-retryable';
}

/**
 * Turns anything ioredis threw into an `ActionFailure` naming what failed, never a secret. The
 * client's error is NOT kept as `cause`: ioredis attaches the command and its arguments to reply
 * errors, and the arguments of `ACL SETUSER .. >password` are a password.
 * @example
 * toRedisFailure(err, 'turn off ACL user app', url, 'redis-remediator')
 *   // ActionFailure('redis: turn off ACL user app failed (NOPERM): ...', 'non-retryable')
 */
export function toRedisFailure(
  thrown: unknown,
  what: string,
  url: string,
  credentialName: string,
  secrets: readonly string[] = [],
): ActionFailure {
  if (thrown instanceof ActionFailure) return thrown;
  const kind = redisFailureKind(thrown);
  if (kind === 'credentials')
    return new ActionFailure(
      `redis: ${what} failed: the server refused credential "${credentialName}"; check its user, password and that the user is on`,
      kind,
    );
  const message = messageOf(thrown);
  const code = codeOf(thrown) ?? message.split(' ', 1)[0];
  const text = codeOf(thrown) !== undefined ? 'the server could not be reached' : message;
  return new ActionFailure(
    `redis: ${what} failed (${redactSecrets(code ?? 'error', url, secrets)}): ${redactSecrets(text, url, secrets)}`,
    kind,
  );
}
