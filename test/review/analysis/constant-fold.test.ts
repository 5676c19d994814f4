import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../../src/core/expr/compile-expression.js';
import { toCel } from '../../../src/core/expr/values.js';
import { severities } from '../../../src/core/types.js';
import { foldCondition, type EventDomain } from '../../../src/review/analysis/constant-fold.js';

const domain: EventDomain = { types: ['sandbox.bucket.public'], source: 'scanner' };
const twoTypes: EventDomain = { types: ['S3.2', 'S3.8'], source: 'hub' };
const wildcard: EventDomain = { types: undefined, source: 'scanner' };

function fold(source: string, where: EventDomain = domain) {
  const compiled = compileExpression(source, 'match', { boolean: true });
  if (!compiled.ok) throw new Error(`${source}: ${compiled.problem.message}`);
  return foldCondition(compiled.expression.ast, where);
}

function value(source: string, where: EventDomain = domain): unknown {
  const folded = fold(source, where);
  return folded.known ? folded.value : 'unknown';
}

describe('foldCondition', () => {
  it.each([
    'true',
    '!false',
    '1 == 1',
    '"a" == "a"',
    'true && true',
    '1 < 2 && 2.5 >= 1.0',
    '(1 + 2) * 3 == 9',
    '"abc".startsWith("a")',
    'size([1, 2]) == 2',
    '[1, 2].exists(x, x == 2)',
    'event.resource.bucket == "x" || true',
    'true || event.resource.bucket == "x"',
    'event.data.count > 3 || !false',
    'event.resource.id == event.resource.id',
    'event.data["a"].b == event.data["a"].b',
    'event.data.n <= event.data.n',
    '!(event.resource.id != event.resource.id)',
    'event.data.x == "y" ? true : true',
    '1 == 1 ? true : event.data.x == "y"',
  ])('constant true: %s', (source) => {
    expect(value(source)).toBe(true);
  });

  it.each([
    'false',
    '!true',
    '1 == 2',
    'event.resource.bucket == "x" && false',
    'event.resource.id != event.resource.id',
    'event.data.n < event.data.n',
    'false || 1 > 2',
  ])('constant false: %s', (source) => {
    expect(value(source)).toBe(false);
  });

  it.each([
    'event.type == "sandbox.bucket.public"',
    '"sandbox.bucket.public" == event.type',
    'event.type in ["sandbox.bucket.public", "sandbox.bucket.private"]',
    'event.type != "sandbox.role.superuser"',
    'event.type.startsWith("sandbox.")',
    'event.source == "scanner"',
    'event.source != "open-hook"',
    'event.severity in ["info", "low", "medium", "high", "critical"]',
    'event.severity != "urgent"',
    'has(event.resource)',
    'has(event.data) && has(event.resource.id)',
    'event.resource.id != ""',
    '"" != event.id',
    'size(event.resource.id) > 0',
    'event.resource.id.size() >= 1',
    'event.type == "sandbox.bucket.public" && event.source == "scanner"',
    '["a", "sandbox.bucket.public"].exists(t, event.type == t)',
  ])('true for every event the trigger admits: %s', (source) => {
    expect(value(source)).toBe(true);
  });

  it('knows every type of the trigger', () => {
    expect(value('event.type in ["S3.2", "S3.8"]', twoTypes)).toBe(true);
    expect(value('event.type.startsWith("S3.")', twoTypes)).toBe(true);
    expect(value('event.type == "S3.2"', twoTypes)).toBe('unknown');
    expect(value('event.type in ["S3.2"]', twoTypes)).toBe('unknown');
    expect(value('event.type == "S3.9"', twoTypes)).toBe(false);
  });

  it.each([
    'event.resource.bucket == "demo"',
    'event.resource.bucket in ["a", "b"]',
    'event.severity == "high"',
    'event.severity in ["high", "critical"]',
    'has(event.resource.bucket)',
    'has(event.data.x)',
    'event.resource.kind != ""',
    'size(event.data) > 0',
    'event.resource.id == event.resource.bucket',
    'event.resource.id.startsWith("arn:")',
    'event.data.x == "y" || event.data.y == "x"',
    'event.data.x == "y" ? true : false',
    'now > timestamp("2020-01-01T00:00:00Z")',
    'event.data.tags.exists(t, t == t)',
    'event.data.v + 1 == event.data.v + 1',
    'event.time != "2026-01-01T00:00:00Z"',
  ])('not constant: %s', (source) => {
    expect(value(source)).toBe('unknown');
  });

  it('knows nothing about event.type when a type is a wildcard', () => {
    expect(value('event.type == "sandbox.bucket.public"', wildcard)).toBe('unknown');
    expect(value('event.type in ["sandbox.bucket.public"]', wildcard)).toBe('unknown');
    expect(value('event.type != "x" || true', wildcard)).toBe(true);
  });

  it('knows nothing about event.source when the source is not known', () => {
    expect(value('event.source == "scanner"', { types: ['a'], source: undefined })).toBe('unknown');
  });

  it('says which sub-expression decides', () => {
    expect(fold('event.resource.bucket == "x" || 1 == 1')).toEqual({
      known: true,
      value: true,
      because: '1 == 1',
    });
    expect(fold('event.resource.id == event.resource.id')).toMatchObject({
      because: 'event.resource.id == event.resource.id',
    });
  });

  it('treats an evaluation error as no value, never as false', () => {
    // An index out of range fails for every event: nothing is known...
    expect(value('[1][5] == 1')).toBe('unknown');
    // ...and a failing side of `||` is absorbed by a true one, as CEL does.
    expect(value('[1][5] == 1 || true')).toBe(true);
  });
});

describe('foldCondition is sound', () => {
  // Random conditions over what the trigger fixes and what it does not, and random events the
  // trigger admits: whenever the folder claims a value, no event evaluates to another one.
  const types = ['a.b', 'c.d'];
  const where: EventDomain = { types, source: 'scanner' };
  const atoms = fc.constantFrom(
    'true',
    'false',
    '1 == 1',
    'event.type == "a.b"',
    'event.type in ["a.b", "c.d"]',
    'event.type != "x.y"',
    'event.source == "scanner"',
    'event.source == "other"',
    'event.severity == "high"',
    'event.severity in ["info", "low", "medium", "high", "critical"]',
    'event.resource.bucket == "demo"',
    'has(event.resource.bucket)',
    'has(event.resource)',
    'event.resource.id != ""',
    'event.data.n > 2',
    'event.resource.bucket == event.resource.bucket',
    'event.data.missing == 1',
  );
  const condition = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atoms,
      tie('expr').map((a) => `!(${a})`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a}) && (${b})`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a}) || (${b})`),
      fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, b, c]) => `(${a}) ? (${b}) : (${c})`),
    ),
  })).expr;
  const event = fc.record({
    id: fc.constantFrom('e1', 'e2'),
    source: fc.constant('scanner'),
    type: fc.constantFrom(...types),
    time: fc.constant('2026-11-27T10:00:00Z'),
    severity: fc.constantFrom(...severities),
    resource: fc.oneof(
      fc.record({ id: fc.constantFrom('r1', 'r2') }),
      fc.record({ id: fc.constantFrom('r1', 'r2'), bucket: fc.constantFrom('demo', 'prod') }),
    ),
    data: fc.oneof(fc.constant({}), fc.record({ n: fc.integer({ min: 0, max: 5 }) })),
  });

  it('never claims a value some admitted event contradicts', () => {
    fc.assert(
      fc.property(condition, fc.array(event, { minLength: 1, maxLength: 8 }), (source, events) => {
        const compiled = compileExpression(source, 'match', { boolean: true });
        if (!compiled.ok) return;
        const folded = foldCondition(compiled.expression.ast, where);
        if (!folded.known) return;
        for (const e of events) {
          let actual: unknown;
          try {
            actual = compiled.expression.evaluate({ event: toCel(e) });
          } catch {
            continue; // an error is allowed: it is never a different value
          }
          expect(actual, `${source} on ${JSON.stringify(e)}`).toBe(folded.value);
        }
      }),
      { numRuns: 400 },
    );
  });
});
