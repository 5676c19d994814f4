import { Cron } from 'croner';
import { parseDuration } from '../../core/duration.js';

/** When a scan source runs: the next scheduled time strictly after a given time. */
export interface ScanSchedule {
  /** `every 5m` or `cron 0 * * * *`, for messages. */
  readonly description: string;
  /** The first scheduled time after `after` (epoch ms), or undefined when there is none. */
  next(after: number): number | undefined;
}

/**
 * The schedule of a source: `every` (slots anchored at `anchor`, the scanner's start, so the first
 * scan runs at start and then every interval) or `cron` (5 or 6 fields, croner syntax, read in
 * UTC). Exactly one of the two. Throws an Error naming the field and the fix.
 * @example scanSchedule({ every: '5m' }, 0).next(0) // 300000
 */
export function scanSchedule(
  source: { every?: string | undefined; cron?: string | undefined },
  anchor: number,
): ScanSchedule {
  if (source.every !== undefined && source.cron !== undefined)
    throw new Error('`every` and `cron` are both set: keep one');
  if (source.every !== undefined) {
    const every = parseDuration(source.every);
    if (every === undefined || every < 1000)
      throw new Error(`\`every\` must be a duration of at least 1s, such as 5m (got "${source.every}")`);
    return {
      description: `every ${source.every}`,
      next: (after) => anchor + (Math.floor((after - anchor) / every) + 1) * every,
    };
  }
  if (source.cron !== undefined) {
    let cron: Cron;
    try {
      // No callback and paused: croner only computes times here; the scanner owns the timers.
      cron = new Cron(source.cron, { timezone: 'Etc/UTC', paused: true });
    } catch (error) {
      throw new Error(
        `\`cron\` is not a cron expression: ${error instanceof Error ? error.message : String(error)} (e.g. "*/15 * * * *")`,
      );
    }
    return { description: `cron ${source.cron}`, next: (after) => cron.nextRun(new Date(after))?.getTime() };
  }
  throw new Error('a schedule source needs `every` (e.g. 5m) or `cron` (e.g. "*/15 * * * *")');
}
