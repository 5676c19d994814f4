import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationPattern, formatDuration, parseDuration } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['0s', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['90s', 90_000],
    ['007m', 420_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '5',
    'm',
    '1.5s',
    '-1s',
    '+1s',
    ' 5m',
    '5m ',
    '5 m',
    '5M',
    '5S',
    '1w',
    '1y',
    '5min',
    '1h30m',
    'PT5M',
    '5mss',
    'ms',
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('rejects a duration whose milliseconds are not a safe integer', () => {
    expect(parseDuration('99999999999999999999h')).toBeUndefined();
    expect(parseDuration(`${Number.MAX_SAFE_INTEGER}ms`)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseDuration(`${Number.MAX_SAFE_INTEGER + 1}ms`)).toBeUndefined();
    expect(parseDuration('104249991d')).toBe(104_249_991 * 86_400_000);
    expect(parseDuration('104249992d')).toBeUndefined();
  });

  it('accepts exactly what the pattern accepts, for amounts whose milliseconds fit', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.constantFrom('ms', 's', 'm', 'h', 'd'), (amount, unit) => {
        const text = `${amount}${unit}`;
        expect(durationPattern.test(text)).toBe(true);
        expect(parseDuration(text)).toBe(amount * { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[unit]);
      }),
      { seed: 1, numRuns: 500 },
    );
  });

  it('never accepts a string the pattern rejects', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (text) => {
        if (!durationPattern.test(text)) expect(parseDuration(text)).toBeUndefined();
      }),
      { seed: 2, numRuns: 1000 },
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [1, '1ms'],
    [1500, '1500ms'],
    [1000, '1s'],
    [90_000, '90s'],
    [300_000, '5m'],
    [5_400_000, '90m'],
    [3_600_000, '1h'],
    [86_400_000, '1d'],
    [90_000_000, '25h'],
  ])('writes %d ms as %s, the largest exact unit', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips: a formatted duration parses back to the same milliseconds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 12 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { seed: 3, numRuns: 1000 },
    );
  });
});
