import { createHash, randomBytes } from 'node:crypto';

/** Every Rectify API token starts so: secret scanners (and the reviewer) recognise it. */
export const tokenPrefix = 'rfy_';

/** What a token's text looks like: the prefix, then 43 base64url characters (256 random bits). */
const tokenShape = /^rfy_[A-Za-z0-9_-]{20,200}$/;

/**
 * A new token: 256 random bits, base64url, after `rfy_`. Print it once; store only `hashToken`.
 * @example newTokenSecret() // 'rfy_3q2-...'
 */
export function newTokenSecret(): string {
  return `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
}

/** A token's public id: safe to list, log and audit. */
export function newTokenId(): string {
  return `tok_${randomBytes(8).toString('hex')}`;
}

/**
 * What the store keeps of a token: SHA-256, hex. A fast hash is enough: the secret has 256 bits
 * of entropy, so there is nothing to brute-force.
 * @example hashToken('rfy_abc...') // '5e88...'
 */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when the text has the shape of a Rectify token (prefix and length), not that it is valid. */
export function looksLikeToken(text: string): boolean {
  return tokenShape.test(text);
}

/**
 * The token of an `Authorization: Bearer <token>` header, or why there is none.
 * @example bearerToken('Bearer rfy_abc') // { token: 'rfy_abc' }
 */
export function bearerToken(header: string | undefined): { token: string } | { problem: string } {
  if (header === undefined || header.trim() === '')
    return { problem: 'no Authorization header; send `Authorization: Bearer <token>`' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return { problem: 'the Authorization header is not `Bearer <token>`' };
  return { token: match[1] };
}
