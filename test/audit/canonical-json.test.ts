import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no white space', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('does not depend on the order fields were written in', () => {
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('writes scalars as JSON.stringify does', () => {
    for (const value of [null, true, false, 0, -0, 1.5, 1e21, 'text', 'é"\\\n\u2028', ''])
      expect(canonicalJson(value)).toBe(JSON.stringify(value));
    expect(canonicalJson(Number.NaN)).toBe('null');
    expect(canonicalJson(Infinity)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('leaves undefined, functions and symbols out of objects, and writes them as null in arrays', () => {
    expect(canonicalJson({ a: undefined, f: () => 1, s: Symbol('x'), b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, () => 1, 1])).toBe('[null,null,1]');
  });

  it('honours toJSON: a Date is its ISO string, as the store keeps it', () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson({ v: { toJSON: () => ({ b: 1, a: 2 }) } })).toBe('{"v":{"a":2,"b":1}}');
  });

  it('sorts keys by UTF-16 code units, not locale', () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4, _: 5 })).toBe('{"B":2,"_":5,"a":4,"b":1,"é":3}');
  });

  it('is what JSON.stringify writes, up to key order: a value survives the store round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const stored: unknown = JSON.parse(JSON.stringify(value));
        expect(canonicalJson(stored)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(stored);
      }),
      { numRuns: 500 },
    );
  });
});
