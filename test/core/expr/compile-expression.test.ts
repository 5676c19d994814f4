import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  type CompiledExpression,
  type ExpressionProblem,
} from '../../../src/core/expr/compile-expression.js';
import { expressionLimits } from '../../../src/core/expr/environment.js';
import { toCel } from '../../../src/core/expr/values.js';
import type { ExpressionScope } from '../../../src/core/expr/variables.js';

const event = {
  id: 'e-1',
  source: 'bucket-scan',
  type: 'sandbox.bucket.public',
  time: '2026-11-27T10:00:00Z',
  severity: 'high',
  resource: { id: 'sandbox://bucket/demo', kind: 'sandbox.bucket', bucket: 'demo' },
  data: { count: 5, ratio: 0.25, tags: ['a', 'b'], nested: { x: 1 }, big: 2 ** 60, flag: true },
};

/** A context in CEL form, as the engine builds it. */
const context = {
  event: toCel(event),
  steps: toCel({ snapshot: { output: { access: 'public', count: 2 } } }),
  run: toCel({ id: 'r-1', workflow: 'close-public-bucket', version: 'v1', mode: 'enforce' }),
  now: new Date('2026-11-27T12:00:00Z'),
  result: toCel({ access: 'private', items: [1, 2, 3] }),
};

function compiled(
  source: string,
  scope: ExpressionScope = 'stepParams',
  boolean = false,
): CompiledExpression {
  const result = compileExpression(source, scope, { boolean });
  if (!result.ok) throw new Error(`${source}: ${result.problem.message}`);
  return result.expression;
}

function problem(source: string, scope: ExpressionScope = 'stepParams', boolean = false): ExpressionProblem {
  const result = compileExpression(source, scope, { boolean });
  if (result.ok) throw new Error(`${source} compiled`);
  return result.problem;
}

describe('compileExpression: types', () => {
  it.each([
    ['event.severity == "high"', 'bool', true],
    ['1 + 2', 'int', 3],
    ['2.5 * 2.0', 'double', 5],
    ['"a" + "b"', 'string', 'ab'],
    ['event.type', 'string', 'sandbox.bucket.public'],
    ['run.mode', 'string', 'enforce'],
    ['[1, 2]', 'list<int>', [1, 2]],
    ['{"k": 1}', 'map<string, int>', { k: 1 }],
    ['event.data.tags', 'dyn', ['a', 'b']],
    ['event.data.nested', 'dyn', { x: 1 }],
    ['size(event.data.tags) > 1', 'bool', true],
    ['null', 'null', null],
  ])('%s has type %s and evaluates to %j', (source, type, value) => {
    const expression = compiled(source);
    expect(expression.type).toBe(type);
    expect(expression.source).toBe(source);
    expect(expression.scope).toBe('stepParams');
    expect(expression.evaluate(context)).toEqual(value);
  });

  it('evaluates `now` and timestamps to Dates', () => {
    expect(compiled('now').evaluate(context)).toEqual(new Date('2026-11-27T12:00:00Z'));
    expect(compiled('now > timestamp("2026-01-01T00:00:00Z")', 'match', true).evaluate(context)).toBe(true);
  });

  it('throws the library error at run time for a field the event does not have', () => {
    expect(() => compiled('event.data.missing == 1').evaluate(context)).toThrow(/missing/);
  });
});

describe('compileExpression: JSON numbers and CEL integers', () => {
  it('lets an event integer take part in integer arithmetic, and returns a JS number', () => {
    const value = compiled('event.data.count + 1').evaluate(context);
    expect(value).toBe(6);
    expect(typeof value).toBe('number');
    expect(compiled('steps.snapshot.output.count * 10').evaluate(context)).toBe(20);
    expect(compiled('event.data.count > 3', 'match', true).evaluate(context)).toBe(true);
  });

  it('returns integers past 2^53 as decimal strings, never rounded', () => {
    expect(compiled('event.data.big').evaluate(context)).toBe('1152921504606846976');
    expect(compiled('event.data.big + 1').evaluate(context)).toBe('1152921504606846977');
  });

  it('keeps fractional numbers as doubles', () => {
    expect(compiled('event.data.ratio * 4.0').evaluate(context)).toBe(1);
  });

  it('compares a whole event number with a double', () => {
    expect(compiled('event.data.count > 0.5', 'match', true).evaluate(context)).toBe(true);
  });

  // Known-bad: JSON cannot tell 1 from 1.0, so a whole number arrives as a CEL int and double
  // arithmetic on it fails at run time, depending on the VALUE (score 0.5 works, score 1 throws
  // "no such overload: dyn<int> * double"). Flips when integral JSON numbers work in double math.
  it.fails('lets a JSON number that happens to be whole take part in double arithmetic (known-bad)', () => {
    const expression = compiled('event.data.score * 100.0');
    expect(expression.evaluate({ ...context, event: toCel({ ...event, data: { score: 0.5 } }) })).toBe(50);
    expect(expression.evaluate({ ...context, event: toCel({ ...event, data: { score: 1 } }) })).toBe(100);
  });
});

describe('compileExpression: conditions', () => {
  it('accepts bool and dyn where a boolean is required', () => {
    expect(compiled('event.severity == "high"', 'match', true).type).toBe('bool');
    expect(compiled('event.data.flag', 'match', true).type).toBe('dyn');
  });

  it.each([
    ['event.severity', 'string'],
    ['size(event.data.tags)', 'int'],
    ['[true]', 'list'],
  ])('rejects %s (type %s) as a condition, over the whole expression', (source, type) => {
    const found = problem(source, 'match', true);
    expect(found.code).toBe('cel-not-boolean');
    expect(found.message).toContain(type);
    expect([found.start, found.end]).toEqual([0, source.length]);
  });
});

describe('compileExpression: problems and where they are', () => {
  it.each([
    ['event.data.count = 1', 17, 'cel-syntax'],
    ['event.data.access == "public" and true', 30, 'cel-syntax'],
    ['event.x !~ "a"', 8, 'cel-syntax'],
    ['(event.data.count > 1', 21, 'cel-syntax'],
    ['', 0, 'cel-syntax'],
    ['evnt.resource.id == "x"', 0, 'cel-type'],
    ['event.resouce.id == "x"', 6, 'cel-type'],
  ])('%j: %s... problem at offset %d', (source, start, code) => {
    const found = problem(source);
    expect(found.code).toBe(code);
    expect(found.start).toBe(start);
    expect(found.end).toBeGreaterThanOrEqual(found.start);
    expect(found.end).toBeLessThanOrEqual(source.length);
  });

  it('says which variable or field was meant', () => {
    const variable = problem('evnt.resource.id');
    expect(variable.message).toMatch(/evnt/);
    expect(variable.hint).toMatch(/did you mean `event`\?/);
    expect([variable.start, variable.end]).toEqual([0, 4]);

    const field = problem('event.resouce.id');
    expect(field.hint).toBe('did you mean `resource`?');
    expect([field.start, field.end]).toEqual([6, 13]);

    expect(problem('step.snapshot.output', 'stepIf').hint).toMatch(/did you mean `steps`\?/);
  });

  it('offers only the variables of the place the expression stands', () => {
    expect(problem('result.access == "x"', 'match').code).toBe('cel-type');
    expect(problem('result.access == "x"', 'match').hint).toBe('variables here: event, now');
    expect(problem('steps.a.output', 'checkExpect').code).toBe('cel-type');
    expect(compileExpression('result.access == "x"', 'checkExpect', { boolean: true }).ok).toBe(true);
    expect(compileExpression('steps.a.output', 'verifyExpect', { boolean: false }).ok).toBe(true);
    expect(compileExpression('params.bucket + snapshot.access', 'inverse', { boolean: false }).ok).toBe(true);
    expect(problem('params.bucket', 'stepParams').code).toBe('cel-type');
  });

  it('refuses an expression longer than the limit', () => {
    const long = Array.from({ length: 300 }, (_, i) => `event.type == "t${i}"`).join(' || ');
    expect(long.length).toBeGreaterThan(expressionLimits.maxLength);
    expect(problem(long, 'match', true)).toMatchObject({ code: 'cel-too-large', start: 0 });
  });

  it('refuses an expression nested deeper than the limit, at the token that goes too deep', () => {
    const depth = expressionLimits.maxDepth + 6;
    const found = problem(`${'('.repeat(depth)}true${')'.repeat(depth)}`, 'match', true);
    expect(found.code).toBe('cel-too-large');
    expect(found.start).toBe(expressionLimits.maxDepth);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'event',
            '.',
            'data',
            'steps',
            '[',
            ']',
            '(',
            ')',
            '"',
            "'",
            '&&',
            '||',
            '==',
            '!',
            '1',
            '1.5',
            ' ',
            'size',
            ',',
            '?',
            ':',
            '{',
            '}',
            'in',
            'has',
            'x',
          ),
          { maxLength: 30 },
        ),
        (parts) => {
          const source = parts.join('');
          const result = compileExpression(source, 'stepIf', { boolean: true });
          if (!result.ok) {
            expect(result.problem.start).toBeGreaterThanOrEqual(0);
            expect(result.problem.end).toBeLessThanOrEqual(Math.max(source.length, 0));
          }
        },
      ),
      { seed: 8, numRuns: 2000 },
    );
  });
});

describe('compileExpression: step references', () => {
  it('finds steps.<id> and steps["<id>"] with their offsets', () => {
    const expression = compiled('steps.snapshot.output.count > 1 && steps["read-role"].output.ok');
    expect(expression.stepReferences).toEqual([
      { stepId: 'snapshot', start: 0, end: 14 },
      { stepId: 'read-role', start: 35, end: 53 },
    ]);
  });

  it('finds references inside calls, macros, ternaries, lists, maps and negations', () => {
    const source =
      'has(steps.a.output) ? [steps.b.output, {"k": steps.c.output}] : [steps.d.output.items.exists(x, x == steps.e.output) && !steps.f.output]';
    const ids = compiled(source).stepReferences.map((r) => r.stepId);
    expect(ids.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    for (const reference of compiled(source).stepReferences) {
      expect(source.slice(reference.start, reference.end)).toMatch(
        new RegExp(`^steps(\\.${reference.stepId}|\\["${reference.stepId}"\\])$`),
      );
    }
  });

  it('finds none where `steps` is not the root', () => {
    expect(compiled('event.data.steps').stepReferences).toEqual([]);
    expect(compiled('"steps.a.output"').stepReferences).toEqual([]);
  });
});
