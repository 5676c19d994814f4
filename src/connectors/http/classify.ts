import { ActionFailure, type FailureKind } from '../../core/errors.js';

/**
 * What a status the workflow did not expect means for a retry: 401/403 -> the credential was
 * refused (a person must act); 408, 429 and 5xx -> worth trying again; any other -> the same
 * request would fail the same way.
 * @example statusFailureKind(503) // 'retryable'
 */
export function statusFailureKind(status: number): FailureKind {
  if (status === 401 || status === 403) return 'credentials';
  if (status === 408 || status === 429 || status >= 500) return 'retryable';
  return 'non-retryable';
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), capped at 10 minutes. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header.trim()) * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(seconds, 600_000);
}

/**
 * A failure for an error `fetch` threw: refused or reset connections, DNS failures and TLS
 * handshakes that broke are retryable; a timeout or a cancelled step is retryable too (the engine
 * decides whether time is left). Only the cause's code is named, and the cause is not kept:
 * messages of lower layers can quote the URL, whose path may be a secret.
 */
export function networkFailure(
  thrown: unknown,
  origin: string,
  reason: 'timeout' | 'aborted' | undefined,
): ActionFailure {
  // Once the request may have been sent, whether it took effect is unknown: say so, so that a
  // non-idempotent request is not retried blind (the engine then needs a person).
  if (reason === 'timeout')
    return new ActionFailure(`the request to ${origin} timed out (timeout of the credential)`, 'retryable', {
      outcomeUnknown: true,
    });
  if (reason === 'aborted')
    return new ActionFailure(`the request to ${origin} was abandoned (step timeout or cancel)`, 'retryable', {
      outcomeUnknown: true,
    });
  const code = errorCode(thrown);
  return new ActionFailure(
    `the request to ${origin} failed before a response${code ? ` (${code})` : ''}`,
    'retryable',
    // Refused or unresolvable: nothing was sent. Anything else (a reset, a hang-up): it may have been.
    code !== undefined && notSentCodes.has(code) ? {} : { outcomeUnknown: true },
  );
}

function errorCode(thrown: unknown): string | undefined {
  for (let current: unknown = thrown, depth = 0; current && depth < 5; depth++) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string')
      return current.code;
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

/** Network errors that happen before any byte of the request can have reached the server. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
