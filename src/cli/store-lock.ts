import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export type StoreLock =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly holder: number; readonly file: string };

/**
 * Takes the lock that lets one process at a time run an engine on a SQLite store: `PATH.lock`,
 * holding the owner's pid. The SQLite store is single-node: two engines on one file would both
 * resume the same unfinished runs and could carry out one action twice. A lock left by a process
 * that no longer exists is taken over. Readers (`runs`, `audit`) need no lock.
 */
export function lockStore(path: string): StoreLock {
  if (path === ':memory:') return { ok: true, release: () => undefined };
  const file = `${path}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return {
        ok: true,
        release: () => {
          release(file);
        },
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holder !== undefined && isAlive(holder)) return { ok: false, holder, file };
    // Stale (its process is gone) or half-written: remove it and try again.
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
  }
  return { ok: false, holder: readHolder(file) ?? 0, file };
}

function release(file: string): void {
  // Only our own lock: never one another process took over.
  if (readHolder(file) !== process.pid) return;
  try {
    unlinkSync(file);
  } catch {
    // Already gone: nothing to release.
  }
}

function readHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is another user's.
    return (error as { code?: string }).code === 'EPERM';
  }
}
