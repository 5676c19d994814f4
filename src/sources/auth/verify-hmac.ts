import { authenticated, AuthFailure, rejected, type AuthVerdict } from './auth-verdict.js';
import { sameCredential } from './constant-time.js';
import { signDelivery, timestampHeader } from './hmac-signature.js';
import type { ReplayCache } from './replay-cache.js';

export interface HmacCheck {
  readonly source: string;
  readonly secret: string;
  /** The config's signature header name, for messages. */
  readonly signatureHeader: string;
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly body: Buffer;
  readonly now: number;
  readonly toleranceMs: number;
  readonly replays: ReplayCache;
}

/**
 * Checks an HMAC-signed delivery (see `signDelivery`): the timestamp is within `toleranceMs` of
 * now (either way: clocks drift), the signature matches (constant time), and this signature was
 * not seen within the window (replay). Order matters: a signature is remembered only once it is
 * known to be valid, so unsigned junk cannot fill the replay cache.
 * @example verifyHmac({ source, secret, signatureHeader: 'X-Signature', signature, timestamp, body, now, toleranceMs: 300_000, replays })
 */
export function verifyHmac(check: HmacCheck): AuthVerdict {
  const { signature, timestamp } = check;
  if (signature === undefined || signature === '')
    return rejected(
      AuthFailure.missingSignature,
      `send ${check.signatureHeader}: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`,
    );
  if (timestamp === undefined || timestamp === '')
    return rejected(
      AuthFailure.missingTimestamp,
      `send ${timestampHeader}: <unix seconds>, the time of signing`,
    );
  if (!/^\d{1,12}$/.test(timestamp))
    return rejected(AuthFailure.badTimestamp, `${timestampHeader} must be unix seconds (digits only)`);
  const signedAt = Number(timestamp) * 1000;
  if (Math.abs(check.now - signedAt) > check.toleranceMs)
    return rejected(
      AuthFailure.staleTimestamp,
      `${timestampHeader} is more than ${Math.round(check.toleranceMs / 1000)}s away from the server's time: sign again now (and check the sender's clock)`,
    );
  const expected = signDelivery(check.secret, timestamp, check.body);
  if (!sameCredential(signature.trim().toLowerCase(), expected))
    return rejected(
      AuthFailure.badSignature,
      `${check.signatureHeader} does not match: sign "<timestamp>.<raw body>" with HMAC-SHA256 and the source secret`,
    );
  // Kept until the timestamp leaves the window: after that, the timestamp check refuses it.
  if (!check.replays.remember(`${check.source}\n${expected}`, signedAt + check.toleranceMs + 1000, check.now))
    return rejected(AuthFailure.replayed, 'this signed request was already received: sign each request anew');
  return authenticated;
}
