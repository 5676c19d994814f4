/**
 * Keeps two scans of one source from running at once. A scan runs only while it holds the lease
 * of its source; a tick that cannot take it is skipped (and audited), never queued.
 *
 * This build has the in-process lock only: correct for one node (SQLite, or one PostgreSQL
 * node). Several nodes on one PostgreSQL store need a lock they share: a session advisory lock
 * (`pg_try_advisory_lock` on a hash of the source name, held on a dedicated connection for the
 * length of the scan), behind this same interface, chosen by the store's `advisoryLocks`
 * capability.
 */
export interface ScanLock {
  /** The lease, or undefined when another scan of `source` holds it. Never waits. */
  tryAcquire(source: string): Promise<ScanLease | undefined>;
}

export interface ScanLease {
  /** Idempotent. */
  release(): Promise<void>;
}

/**
 * Leases held in this process's memory.
 * @example
 * const lock = new InProcessScanLock()
 * const lease = await lock.tryAcquire('pg-scan') // a lease
 * await lock.tryAcquire('pg-scan')               // undefined until lease.release()
 */
export class InProcessScanLock implements ScanLock {
  private readonly held = new Set<string>();

  tryAcquire(source: string): Promise<ScanLease | undefined> {
    if (this.held.has(source)) return Promise.resolve(undefined);
    this.held.add(source);
    let released = false;
    return Promise.resolve({
      release: () => {
        if (!released) {
          released = true;
          this.held.delete(source);
        }
        return Promise.resolve();
      },
    });
  }
}
