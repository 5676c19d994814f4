import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/core/did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['trigger', 'trigerr', 2],
    ['flaw', 'lawn', 2],
    ['same', 'same', 0],
    ['ab', 'ba', 2],
  ])('distance(%j, %j) is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  const word = fc.string({ maxLength: 10, unit: fc.constantFrom('a', 'b', 'c', 'd') });

  it('is a metric: zero only for equal words, symmetric, with the triangle inequality', () => {
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
        expect(editDistance(a, b)).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { seed: 5, numRuns: 1000 },
    );
  });

  it('with a bound: exact up to the bound, and above the bound once the distance exceeds it', () => {
    fc.assert(
      fc.property(word, word, fc.nat({ max: 6 }), (a, b, max) => {
        const exact = editDistance(a, b);
        const bounded = editDistance(a, b, max);
        if (exact <= max) expect(bounded).toBe(exact);
        else expect(bounded).toBeGreaterThan(max);
      }),
      { seed: 6, numRuns: 2000 },
    );
  });
});

describe('didYouMean', () => {
  const fields = ['apiVersion', 'kind', 'metadata', 'spec', 'trigger', 'steps', 'verify', 'notify'];

  it.each([
    ['trigerr', 'trigger'],
    ['triger', 'trigger'],
    ['metdata', 'metadata'],
    ['step', 'steps'],
    ['apiversion', 'apiVersion'],
    ['KIND', 'kind'],
    ['notfy', 'notify'],
  ])('suggests %j for %j', (typo, suggestion) => {
    expect(didYouMean(typo, fields)).toBe(suggestion);
  });

  it.each(['owner', 'x', 'description', 'timeout'])(
    'suggests nothing for %j, which is far from every candidate',
    (word) => {
      expect(didYouMean(word, fields)).toBeUndefined();
    },
  );

  it('allows more edits in longer words: at most max(2, length / 3)', () => {
    expect(didYouMean('ab', ['xy'])).toBe('xy');
    expect(didYouMean('abc', ['xyz'])).toBeUndefined();
    expect(didYouMean('postgres.schema.revok', ['postgres.schema.revoke', 'postgres.schema.grant'])).toBe(
      'postgres.schema.revoke',
    );
    expect(didYouMean('abcdefghijkl', ['abcdXXXXijkl'])).toBe('abcdXXXXijkl');
    expect(didYouMean('abcdefghijkl', ['abcdXXXXXjkl'])).toBeUndefined();
  });

  it('picks the closest candidate, and the first of equally close ones', () => {
    expect(didYouMean('stop', ['steps', 'stops', 'stop'])).toBe('stop');
    expect(didYouMean('cat', ['bat', 'hat'])).toBe('bat');
  });

  it('has nothing to suggest from no candidates, and accepts any iterable', () => {
    expect(didYouMean('anything', [])).toBeUndefined();
    expect(didYouMean('enforced', new Set(['enforce', 'dry-run']))).toBe('enforce');
    expect(didYouMean('a', new Map([['b', 1]]).keys())).toBe('b');
  });

  it('always returns one of the candidates, within the allowed distance', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 6 }),
        (word, candidates) => {
          const suggestion = didYouMean(word, candidates);
          if (suggestion === undefined) return;
          expect(candidates).toContain(suggestion);
          expect(editDistance(word.toLowerCase(), suggestion.toLowerCase())).toBeLessThanOrEqual(
            Math.max(2, Math.floor(word.length / 3)),
          );
        },
      ),
      { seed: 7, numRuns: 1000 },
    );
  });
});
