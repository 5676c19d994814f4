import type { Clock } from '../../engine/clock.js';

/**
 * A clock that can also wake the scanner at a time: production uses the system's timers, tests
 * a `ManualSchedulerClock` they move by hand, so schedules, backoff and timeouts are exercised
 * without waiting.
 */
export interface SchedulerClock extends Clock {
  /** Calls `callback` once, at `at` (epoch ms) or soon after; the returned function cancels it. */
  setTimer(at: number, callback: () => void): () => void;
}

// setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days): longer waits are chained.
const maxTimeoutMs = 2_147_483_647;

/** The system clock and Node's timers; a started scanner keeps the process alive until `stop()`. */
export const systemSchedulerClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer(at, callback) {
    let handle: NodeJS.Timeout | undefined;
    const arm = () => {
      const delay = at - Date.now();
      if (delay > maxTimeoutMs) handle = setTimeout(arm, maxTimeoutMs);
      else handle = setTimeout(callback, Math.max(0, delay));
    };
    arm();
    return () => {
      clearTimeout(handle);
    };
  },
};
