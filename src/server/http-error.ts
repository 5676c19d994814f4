/**
 * The one error type the server maps onto an HTTP answer: an RFC 9457 problem details document
 * (`application/problem+json`). Core and engine errors are turned into it at the route; anything
 * else thrown becomes a 500 whose body says nothing about the internals.
 * @example
 * throw new HttpError(403, 'Forbidden', 'user:alice may not activate a version she authored', { reason: 'separation-of-duties' })
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    /** Extension members of the problem document, e.g. `field` (a JSON pointer or dotted path) and `hint`. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
  }
}
