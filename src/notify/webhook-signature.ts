import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header with the signature, `sha256=<hex>`. */
export const signatureHeader = 'X-Rectify-Signature';
/** The header with the time of signing, Unix seconds. */
export const timestampHeader = 'X-Rectify-Timestamp';

/**
 * Signs a webhook body: HMAC-SHA256 with the channel's secret over `<timestamp>.<body>`, where
 * `timestamp` is the `X-Rectify-Timestamp` header (Unix seconds) and `body` the exact bytes sent.
 * Binding the time in lets a receiver refuse replays older than its tolerance (5 minutes, say).
 * @example signWebhook('s3cret', 1767225600, '{"a":1}') // 'sha256=…'
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: recomputes the signature and compares it in constant time, and refuses
 * a timestamp further than `toleranceSeconds` from `nowSeconds`.
 * @example verifyWebhook('s3cret', headers['x-rectify-timestamp'], headers['x-rectify-signature'], body, Date.now() / 1000)
 */
export function verifyWebhook(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
