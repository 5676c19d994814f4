import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endOfDate, parseDate } from '../../src/core/date.js';

describe('parseDate', () => {
  it('reads a calendar date as its UTC midnight', () => {
    expect(parseDate('2027-03-01')).toBe(Date.UTC(2027, 2, 1));
    expect(parseDate('1970-01-01')).toBe(0);
  });

  it.each(['2028-02-29', '2000-02-29', '2027-12-31', '2027-04-30'])('accepts the real day %s', (text) => {
    expect(parseDate(text)).toBeDefined();
  });

  it.each([
    '2027-02-30',
    '2027-02-29',
    '2100-02-29',
    '2027-04-31',
    '2027-13-01',
    '2027-00-10',
    '2027-01-00',
    '2027-01-32',
  ])('rejects the day that does not exist, %s', (text) => {
    expect(parseDate(text)).toBeUndefined();
  });

  it.each(['2027-3-1', '27-03-01', '03/01/2027', '2027-03-01T00:00:00Z', ' 2027-03-01', '2027/03/01', ''])(
    'rejects %j, which is not written YYYY-MM-DD',
    (text) => {
      expect(parseDate(text)).toBeUndefined();
    },
  );

  it('agrees with Date on every day from 1900 to 2200', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1) / 864e5, max: Date.UTC(2200, 0, 1) / 864e5 }),
        (day) => {
          const ms = day * 864e5;
          expect(parseDate(new Date(ms).toISOString().slice(0, 10))).toBe(ms);
        },
      ),
      { seed: 4, numRuns: 1000 },
    );
  });
});

describe('endOfDate', () => {
  it('is the start of the next day: a date holds through all of itself', () => {
    expect(endOfDate('2027-01-31')).toBe(Date.UTC(2027, 1, 1));
    expect(endOfDate('2027-12-31')).toBe(Date.UTC(2028, 0, 1));
    expect(endOfDate('2027-02-30')).toBeUndefined();
  });
});
