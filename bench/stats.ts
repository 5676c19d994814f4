/** Shared by the benchmarks: numeric flags, and the median/min/cold summary of repeated passes. */
export function numberFlag(flag: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  const value = index === -1 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} takes a positive number`);
  return value;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** `timings` in run order: the first is the cold one. */
export function summarise(timings: readonly number[]): { ms: number; coldMs: number; minMs: number } {
  const sorted = [...timings].sort((a, b) => a - b);
  return {
    ms: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    coldMs: round(timings[0] ?? 0),
    minMs: round(sorted[0] ?? 0),
  };
}
