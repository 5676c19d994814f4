import { randomUUID } from 'node:crypto';

/** Run ids: time-ordered prefix for humans and sorting, random suffix for uniqueness across nodes. */
export function newRunId(now: number): string {
  return `run_${now.toString(36)}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
