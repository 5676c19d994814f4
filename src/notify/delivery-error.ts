/**
 * A delivery that did not go through, with what the notifier needs to decide what next:
 * `retryable` (a 5xx, a timeout, a refused connection) or not (a 404 webhook, a rejected
 * address), and how long the receiver asked us to wait (`Retry-After`).
 *
 * Invariant: `message` never holds a secret (a Slack webhook URL, an HMAC secret, an SMTP
 * password): senders build it from the status and the error's kind, never from the URL, and the
 * notifier scrubs every resolved secret from it again before it is stored.
 * @example throw new DeliveryError('slack answered 500 Internal Server Error', { retryable: true })
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number }) {
    super(message);
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

const redacted = '[REDACTED]';

/**
 * Removes every secret value (and its URL-encoded form) from a text, the last guard before an
 * error is stored, audited or logged.
 * @example scrubSecrets('POST https://hooks.example/T1/B2/xyz failed', ['https://hooks.example/T1/B2/xyz']) // 'POST [REDACTED] failed'
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first: a secret that contains another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length < 4) continue; // too short to tell apart from ordinary text
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(redacted);
  }
  return out;
}
