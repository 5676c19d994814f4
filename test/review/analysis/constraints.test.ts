import { describe, expect, it } from 'vitest';
import { compileExpression, type CompiledExpression } from '../../../src/core/expr/compile-expression.js';
import { collectPins, pinClears, pinCovers, type Pin } from '../../../src/review/analysis/constraints.js';
import { anyIndex } from '../../../src/review/analysis/taint-ast.js';

function condition(source: string): CompiledExpression {
  const result = compileExpression(source, 'match', { boolean: true });
  if (!result.ok) throw new Error(`${source}: ${result.problem.message}`);
  return result.expression;
}

const pinsOf = (source: string): Pin[] => collectPins(condition(source), ['spec', 'trigger', 'match']);
const summary = (source: string): string[] =>
  pinsOf(source).map(
    (p) => `${p.field} ${p.kind}${p.required ? '' : ' (not required)'}${p.single ? ' single' : ''}`,
  );

describe('collectPins', () => {
  it('finds the three pin shapes, with their source text and place', () => {
    const [list, equality, pattern] = pinsOf(
      'event.resource.bucket in ["a", "b"] && "x" == event.data.kind && event.resource.role.matches("^[a-z]+$")',
    );
    expect(list).toMatchObject({
      field: 'event.resource.bucket',
      segments: ['resource', 'bucket'],
      kind: 'list',
      required: true,
      single: false,
      source: 'event.resource.bucket in ["a", "b"]',
      path: ['spec', 'trigger', 'match'],
    });
    expect(equality).toMatchObject({ field: 'event.data.kind', kind: 'equality', single: true });
    expect(pattern).toMatchObject({ field: 'event.resource.role', kind: 'pattern', pattern: '^[a-z]+$' });
  });

  it('normalises index syntax to the same field', () => {
    expect(summary('event["resource"]["bucket"] == "a"')).toEqual(['event.resource.bucket equality single']);
    expect(summary('event.data.names[0] in ["a"]')).toEqual(['event.data.names[0] list single']);
  });

  it('marks pins under `||` as not required, and says why', () => {
    expect(summary('event.resource.bucket in ["a", "b"] || event.data.force == true')).toEqual([
      'event.resource.bucket list (not required)',
      'event.data.force equality (not required) single',
    ]);
    expect(pinsOf('event.data.a == "x" || true')[0]?.optional).toBe('it sits under `||`');
    expect(pinsOf('!(event.data.a == "x" && event.data.b != "y")')[0]?.optional).toBe(
      'it sits under `!(... && ...)`',
    );
    expect(pinsOf('event.data.c == "1" ? event.data.a == "x" : true')[1]?.optional).toBe(
      'it sits in one branch of `?:`',
    );
  });

  it('follows negation: `!(a != x || b)` requires a == x; `!(a == x)` pins nothing', () => {
    expect(summary('!(event.data.a != "x" || event.data.b == "y")')).toEqual([
      'event.data.a equality single',
    ]);
    expect(summary('!(event.data.a == "x")')).toEqual([]);
    expect(summary('!(event.data.a in ["x"])')).toEqual([]);
    expect(summary('!event.data.a.matches("^x$")')).toEqual([]);
  });

  it('requires both parts of `c ? a : false`, and neither branch of a real choice', () => {
    expect(summary('event.data.c == "1" ? event.data.a == "x" : false')).toEqual([
      'event.data.c equality single',
      'event.data.a equality single',
    ]);
    expect(summary('event.data.c == "1" ? false : event.data.a == "x"')).toEqual([
      'event.data.a equality single',
    ]);
    expect(summary('event.data.c == "1" ? event.data.a == "x" : true')).toEqual([
      'event.data.c equality (not required) single',
      'event.data.a equality (not required) single',
    ]);
  });

  it('reads `all` as a pin of every element', () => {
    expect(summary('event.data.names.all(n, n in ["a", "b"])')).toEqual(['event.data.names[#] list']);
    expect(summary('event.data.names.exists(n, n == "a")')).toEqual([]);
  });

  it('ignores comparisons with anything but literals', () => {
    expect(summary('event.data.a == event.data.b')).toEqual([]);
    expect(summary('event.data.a in [event.data.b, "x"]')).toEqual([]);
    expect(summary('event.data.a.matches(event.data.p)')).toEqual([]);
    expect(summary('size(event.data.a) < 10 && event.data.a.startsWith("demo-")')).toEqual([]);
  });

  it('pins a field to a list or map literal', () => {
    expect(summary('event.resource.tags == {"env": "prod"}')).toEqual([
      'event.resource.tags equality single',
    ]);
  });

  it('never throws on an AST shape it does not know', () => {
    const fake = {
      source: 'x',
      ast: { op: 'mystery', args: [{ op: '&&', args: 'nonsense', range: { start: 0, end: 1 } }] },
    };
    expect(collectPins(fake as unknown as CompiledExpression, [])).toEqual([]);
    expect(collectPins({ source: '', ast: null } as unknown as CompiledExpression, [])).toEqual([]);
  });
});

describe('pinCovers and pinClears', () => {
  const [list] = pinsOf('event.resource.tags in [{"a": "b"}]');
  const [pattern] = pinsOf('event.resource.role.matches("^[a-z.]+$")');
  const [all] = pinsOf('event.data.names.all(n, n == "a")');
  const [loose] = pinsOf('event.resource.bucket == "a" || true');

  it('a literal pin covers the field and everything below it; a pattern only the field', () => {
    if (!list || !pattern) throw new Error('pins');
    expect(pinCovers(list, ['resource', 'tags'])).toBe(true);
    expect(pinCovers(list, ['resource', 'tags', 'a'])).toBe(true);
    expect(pinCovers(list, ['resource'])).toBe(false);
    expect(pinCovers(pattern, ['resource', 'role'])).toBe(true);
    expect(pinCovers(pattern, ['resource', 'role', 'x'])).toBe(false);
  });

  it('an every-element pin covers literal list indexes only', () => {
    if (!all) throw new Error('pin');
    expect(pinCovers(all, ['data', 'names', 0])).toBe(true);
    expect(pinCovers(all, ['data', 'names', anyIndex])).toBe(false);
    expect(pinCovers(all, ['data', 'names', 'key'])).toBe(false);
    expect(pinCovers(all, ['data', 'names'])).toBe(false);
  });

  it('clears by kind, and says why it does not', () => {
    if (!pattern || !loose) throw new Error('pins');
    expect(pinClears(pattern, ['resource', 'role'], 'identifier')).toEqual({ clears: true });
    expect(pinClears(pattern, ['resource', 'role'], 'path')).toMatchObject({ clears: false });
    expect(pinClears(pattern, ['resource', 'other'], 'identifier')).toBeUndefined();
    expect(pinClears(loose, ['resource', 'bucket'], 'identifier')).toMatchObject({
      clears: false,
      reason: 'the condition can hold without it (it sits under `||`)',
    });
  });
});
