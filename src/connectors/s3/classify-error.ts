import { ActionFailure, coerceError } from '../../core/errors.js';

/** Error codes meaning the credential itself was refused: a person must fix it, no retry helps. */
const credentialCodes = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'TokenRefreshRequired',
  'InvalidToken',
  'InvalidClientTokenId',
  'AuthorizationHeaderMalformed',
  'RequestTimeTooSkewed',
]);
/** Error codes of a service that is busy or hurting: worth trying again later. */
const retryableCodes = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'InternalError',
  'TimeoutError',
  // The step's signal fired (timeout or cancel); the engine sees the signal and decides.
  'AbortError',
]);
/** Node network errors: the endpoint is down or unreachable for now. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

export interface FailureContext {
  /** What was being done, for the message: `s3.bucket.policy on bucket "b"`. */
  readonly what: string;
  /** The credential's name (never its settings), to say which one to fix. */
  readonly credential: string;
  /** Values that MUST NOT appear in the message (the secret key): replaced if the service echoes them. */
  readonly secrets: readonly string[];
}

/**
 * Turns whatever the S3 client threw into an `ActionFailure` whose kind the engine acts on:
 * refused credentials -> `credentials`; the network, timeouts, 5xx, SlowDown -> `retryable`;
 * NoSuchBucket, AccessDenied and other 4xx -> `non-retryable`. The message names the operation,
 * the S3 error code and the fix; never a stack, never a secret.
 * @example
 * s3Failure(error, { what: 's3.bucket.acl on bucket "b"', credential: 's3-guard', secrets: [secret] }).kind
 * // 'credentials' for a SignatureDoesNotMatch
 */
export function s3Failure(thrown: unknown, context: FailureContext): ActionFailure {
  if (thrown instanceof ActionFailure) return thrown;
  const error = coerceError(thrown) as Error & {
    Code?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
  };
  const status = error.$metadata?.httpStatusCode;
  const code = error.Code ?? (error.name !== 'Error' ? error.name : undefined) ?? error.code;
  const networkCode = error.code ?? causeCode(error);
  // radosgw often sends no message (the SDK then says "UnknownError"): the code says it better.
  const said =
    error.message && error.message !== 'UnknownError' && error.message !== code ? `: ${error.message}` : '';
  const answer = `${code ?? 'an error'}${status !== undefined ? ` (HTTP ${status})` : ''}${said}`;
  const message = (text: string) => redact(`${context.what}: ${text}`, context.secrets);
  const cause = { cause: { code, status } };

  if (code !== undefined && credentialCodes.has(code))
    return new ActionFailure(
      message(
        `S3 refused credential ${context.credential} (${answer}). Check its accessKeyId and secretAccessKey (and the clock, for RequestTimeTooSkewed).`,
      ),
      'credentials',
      cause,
    );
  if (networkCode !== undefined && networkCodes.has(networkCode))
    return new ActionFailure(
      message(
        `could not reach the S3 endpoint of credential ${context.credential} (${networkCode ?? error.message}); it may be down, tried again later.`,
      ),
      'retryable',
      cause,
    );
  if (
    (code !== undefined && retryableCodes.has(code)) ||
    (status !== undefined && (status >= 500 || status === 429))
  )
    return new ActionFailure(
      message(`S3 is busy or failing (${answer}); tried again later.`),
      'retryable',
      cause,
    );
  if (code === 'AccessDenied')
    return new ActionFailure(
      message(
        `S3 denied it (${answer}). The identity of credential ${context.credential} lacks the permission, or a public access block forbids the change (BlockPublicPolicy refuses a public policy).`,
      ),
      'non-retryable',
      cause,
    );
  if (status === 403)
    return new ActionFailure(
      message(
        `S3 refused credential ${context.credential} (${answer}). Check its accessKeyId and secretAccessKey.`,
      ),
      'credentials',
      cause,
    );
  if (code === 'NoSuchBucket')
    return new ActionFailure(message(`the bucket does not exist (${answer}).`), 'non-retryable', cause);
  return new ActionFailure(message(`S3 refused it (${answer}).`), 'non-retryable', cause);
}

function causeCode(error: Error): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}
