import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented credential with the expected one in constant time. Both are hashed first,
 * so the comparison is over equal-length digests and leaks neither content nor length.
 * @example sameCredential(presentedToken, expectedToken) // true or false, in the same time
 */
export function sameCredential(presented: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
