/**
 * A delivery the server refuses, with the HTTP status it gets. The route turns it into an
 * `HttpError` (problem details) and audits it as `source.rejected` with `reason`.
 * @example throw new DeliveryRefused(415, 'Unsupported Media Type', 'unsupported-media-type', 'send application/json')
 */
export class DeliveryRefused extends Error {
  override readonly name = 'DeliveryRefused';
  constructor(
    readonly status: number,
    readonly title: string,
    /** A stable code for the audit log and clients: `bad-signature`, `malformed-payload`, ... */
    readonly reason: string,
    readonly detail: string,
    /** For a 400: JSON pointer into the body, or `header:<name>`. */
    readonly field?: string,
  ) {
    super(detail);
  }
}
