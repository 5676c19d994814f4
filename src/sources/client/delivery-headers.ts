import { signDelivery, timestampHeader } from '../auth/hmac-signature.js';

/** How a sender authenticates to a source: its bearer token or its HMAC secret (values, resolved). */
export type SenderAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'hmac'; readonly secret: string; readonly header: string };

/**
 * The headers of one delivery: content type, and the bearer token or a fresh HMAC signature
 * over exactly `body` (which must then be sent byte for byte).
 * @example deliveryHeaders({ kind: 'hmac', secret, header: 'X-Signature' }, body, Date.now())
 */
export function deliveryHeaders(
  auth: SenderAuth,
  body: Buffer,
  now: number,
  contentType = 'application/json',
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (auth.kind === 'bearer') headers.authorization = `Bearer ${auth.token}`;
  if (auth.kind === 'hmac') {
    const timestamp = Math.floor(now / 1000);
    headers[auth.header] = signDelivery(auth.secret, timestamp, body);
    headers[timestampHeader] = String(timestamp);
  }
  return headers;
}
