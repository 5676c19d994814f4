import type { SchedulerClock } from './scheduler-clock.js';

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A `SchedulerClock` moved by hand, for tests and simulations: `advance` fires, in time order,
 * every timer due by the new time, with `now()` set to each timer's time as it fires.
 * @example
 * const clock = new ManualSchedulerClock(Date.parse('2026-01-01T00:00:00Z'))
 * clock.setTimer(clock.now() + 1000, () => console.log('tick'))
 * await clock.advance(1000) // prints tick
 */
export class ManualSchedulerClock implements SchedulerClock {
  private timers: PendingTimer[] = [];
  private order = 0;

  constructor(private at = Date.parse('2026-11-27T12:00:00Z')) {}

  now(): number {
    return this.at;
  }

  setTimer(at: number, callback: () => void): () => void {
    const timer = { at, order: this.order++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /**
   * Moves time forward by `ms`, firing due timers (also those they set, when due) in order. After
   * each, `settle` (e.g. the scanner's `idle`) lets the work it started finish before time moves
   * on, as it would in real time; without it, the timers fire back to back.
   */
  async advance(ms: number, settle?: () => Promise<void>): Promise<void> {
    const target = this.at + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.at = Math.max(this.at, due.at);
      due.callback();
      if (settle) await settle();
    }
    this.at = target;
  }

  /** When the next timer is due, if any. */
  nextTimer(): number | undefined {
    return this.timers.length === 0 ? undefined : Math.min(...this.timers.map((t) => t.at));
  }
}
