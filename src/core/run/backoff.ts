/**
 * Delay before retry number `attempt` (the second attempt is attempt 2): fixed, or exponential
 * doubling from `initialMs`, never above `maxMs`.
 * @example retryDelay({ backoff: 'exponential', initialMs: 1000, maxMs: 10_000 }, 3) // 2000
 */
export function retryDelay(
  policy: { backoff: 'fixed' | 'exponential'; initialMs: number; maxMs: number | undefined },
  attempt: number,
): number {
  const uncapped =
    policy.backoff === 'fixed' ? policy.initialMs : policy.initialMs * 2 ** Math.max(0, attempt - 2);
  return Math.min(uncapped, policy.maxMs ?? Number.MAX_SAFE_INTEGER);
}
