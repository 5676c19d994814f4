import { parseDuration } from '../../core/duration.js';
import type { WebhookSource } from '../adapters/adapter.js';
import { authenticated, type AuthVerdict } from './auth-verdict.js';
import { timestampHeader } from './hmac-signature.js';
import type { ReplayCache } from './replay-cache.js';
import { verifyBearer } from './verify-bearer.js';
import { verifyHmac } from './verify-hmac.js';

export interface SourceRequest {
  /** Header names in lower case, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/**
 * Authenticates a delivery with the source's own credential: a bearer token or an HMAC signature
 * (never an API token). `secret` is the resolved `auth` reference. A source without `auth`
 * accepts every delivery (the reviewer flags such a source).
 * @example authenticateSource(source, secret, { headers, body }, clock.now(), replays)
 */
export function authenticateSource(
  source: WebhookSource,
  secret: string | undefined,
  request: SourceRequest,
  now: number,
  replays: ReplayCache,
): AuthVerdict {
  const auth = source.auth;
  if (!auth || secret === undefined) return authenticated;
  if ('bearer' in auth) return verifyBearer(first(request.headers.authorization), secret);
  return verifyHmac({
    source: source.name,
    secret,
    signatureHeader: auth.hmac.header,
    signature: first(request.headers[auth.hmac.header.toLowerCase()]),
    timestamp: first(request.headers[timestampHeader.toLowerCase()]),
    body: request.body,
    now,
    toleranceMs: parseDuration(auth.hmac.tolerance) ?? 300_000,
    replays,
  });
}

/** The secret reference of a source's auth, if it has one. */
export function secretReferenceOf(source: WebhookSource): string | undefined {
  if (!source.auth) return undefined;
  return 'bearer' in source.auth ? source.auth.bearer : source.auth.hmac.secret;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
