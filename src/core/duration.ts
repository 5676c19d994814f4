/** Durations as users write them: `500ms`, `30s`, `5m`, `1h`, `7d`. */
export const durationPattern = /^(\d+)(ms|s|m|h|d)$/;

const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration to milliseconds, or returns undefined when it is not one.
 * @example parseDuration('5m') // 300000
 */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text);
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof unitMs];
  const ms = Number(amount) * unitMs[unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Formats milliseconds back into the largest exact unit. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= unitMs[unit] && ms % unitMs[unit] === 0) return `${ms / unitMs[unit]}${unit}`;
  }
  return `${ms}ms`;
}
