/** How often and how long the notifier tries a delivery again. */
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failure the delivery is `dead`. */
  readonly maxAttempts: number;
  /** Delay after the first failure; doubles after each one. */
  readonly initialMs: number;
  /** Cap of the delay. */
  readonly maxMs: number;
}

/** 8 attempts over about 10 minutes: waits of 5s, 10s, 20s, 40s, 80s, 160s, 320s (never more than 15m). */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, initialMs: 5_000, maxMs: 15 * 60_000 };

/**
 * When to try again after failed attempt number `attempt` (1-based), or null to give up.
 * A receiver's `Retry-After` is honoured, within the cap.
 * @example nextAttemptAt(defaultRetryPolicy, 1, 0) // 5000
 */
export function nextAttemptAt(
  policy: RetryPolicy,
  attempt: number,
  now: number,
  retryAfterMs?: number,
): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const exponential = Math.min(policy.maxMs, policy.initialMs * 2 ** (attempt - 1));
  const delay =
    retryAfterMs === undefined ? exponential : Math.min(policy.maxMs, Math.max(exponential, retryAfterMs));
  return now + delay;
}
