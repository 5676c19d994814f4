/**
 * Signatures seen recently, so that a captured signed request cannot be sent again while its
 * timestamp is still within the tolerance window. In memory, per process: with several server
 * processes behind a load balancer, a replay to ANOTHER process within the window is not caught
 * (the event's (source, id) dedupe still stores it once). Bounded: past `maxEntries` the oldest
 * entries go first. Only correctly signed requests are remembered, so filling it takes the secret.
 * @example
 * const cache = new ReplayCache()
 * cache.remember('src\nsha256=ab12', expiresAt, now) // true: first time
 * cache.remember('src\nsha256=ab12', expiresAt, now) // false: a replay
 */
export class ReplayCache {
  /** key -> when it may be forgotten (ms); Map keeps insertion order, oldest first. */
  private readonly entries = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  /** Records `key` until `expiresAt`; false if it was already there (and not expired). */
  remember(key: string, expiresAt: number, now: number): boolean {
    this.evictExpired(now);
    const known = this.entries.get(key);
    if (known !== undefined && known > now) return false;
    this.entries.delete(key);
    this.entries.set(key, expiresAt);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries are not in expiry order (windows differ per source), so a few are looked at per call. */
  private evictExpired(now: number): void {
    let looked = 0;
    for (const [key, expiresAt] of this.entries) {
      if (looked++ >= 64) return;
      if (expiresAt <= now) this.entries.delete(key);
    }
  }
}
