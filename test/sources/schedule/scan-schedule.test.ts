import { describe, expect, it } from 'vitest';
import { scanSchedule } from '../../../src/sources/schedule/scan-schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('scan schedules', () => {
  it('`every` counts slots from the anchor', () => {
    const schedule = scanSchedule({ every: '5m' }, at('2026-01-01T00:00:00Z'));
    expect(schedule.next(at('2026-01-01T00:00:00Z'))).toBe(at('2026-01-01T00:05:00Z'));
    expect(schedule.next(at('2026-01-01T00:07:12Z'))).toBe(at('2026-01-01T00:10:00Z'));
  });

  it('`cron` is read in UTC', () => {
    const schedule = scanSchedule({ cron: '0 3 * * *' }, 0);
    expect(schedule.next(at('2026-01-01T05:00:00Z'))).toBe(at('2026-01-02T03:00:00Z'));
  });

  it.each([
    [{}, /needs `every`.*or `cron`/],
    [{ every: '5m', cron: '* * * * *' }, /both set/],
    [{ every: '500ms' }, /at least 1s/],
    [{ every: 'often' }, /`every` must be a duration/],
    [{ cron: 'every day' }, /`cron` is not a cron expression/],
  ])('rejects %j', (source, message) => {
    expect(() => scanSchedule(source, 0)).toThrow(message);
  });
});
