import { authenticated, AuthFailure, rejected, type AuthVerdict } from './auth-verdict.js';
import { sameCredential } from './constant-time.js';

/**
 * Checks `Authorization: Bearer <token>` against the source's token, in constant time.
 * @example verifyBearer(request.headers.authorization, resolvedToken) // { ok: true }
 */
export function verifyBearer(authorization: string | undefined, token: string): AuthVerdict {
  if (authorization === undefined || authorization === '')
    return rejected(AuthFailure.missingAuthorization, 'send Authorization: Bearer <the source token>');
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  // Compared even when the scheme is wrong, so the answer takes the same time.
  const same = sameCredential(match?.[1] ?? '', token);
  if (!match || !same) return rejected(AuthFailure.badToken, 'the bearer token is not this source token');
  return authenticated;
}
