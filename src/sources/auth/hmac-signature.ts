import { createHmac } from 'node:crypto';

/** Default signature header of an HMAC source (the config's `auth.hmac.header` overrides it). */
export const defaultSignatureHeader = 'X-Signature';
/** The time of signing, in unix seconds: part of what is signed. */
export const timestampHeader = 'X-Rectify-Timestamp';

/**
 * The signature of a delivery to an HMAC source: `sha256=` + the hex HMAC-SHA256, keyed with the
 * source's secret, of the timestamp (unix seconds, as sent in X-Rectify-Timestamp), a `.`, and
 * the raw body bytes.
 * @example
 * const timestamp = Math.floor(Date.now() / 1000)
 * headers['X-Signature'] = signDelivery(secret, timestamp, body) // 'sha256=5d41...'
 * headers['X-Rectify-Timestamp'] = String(timestamp)
 */
export function signDelivery(secret: string, timestamp: number | string, body: Buffer | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${String(timestamp)}.`, 'utf8');
  hmac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `sha256=${hmac.digest('hex')}`;
}
