/**
 * A payload a format adapter cannot turn into events. The server answers 400 with `field`, a JSON
 * pointer into the body (`/alerts/0/labels`), or `header:<name>` for a header (CloudEvents binary
 * mode). `detail` never quotes the payload: it may hold anything, secrets included.
 * @example throw new PayloadError('/alerts/0/startsAt', 'must be an RFC 3339 time')
 */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
  constructor(
    readonly field: string,
    readonly detail: string,
    /** `malformed-json` when the body is not JSON at all. */
    readonly reason: 'malformed-payload' | 'malformed-json' = 'malformed-payload',
  ) {
    super(`${field}: ${detail}`);
  }
}

/**
 * A JSON pointer (RFC 6901) from path tokens: `~` and `/` inside a token are escaped.
 * @example pointer(['alerts', 0, 'labels']) // '/alerts/0/labels'
 */
export function pointer(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
