import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../../src/core/expr/compile-expression.js';
import { eventFieldPaths } from '../../../src/review/analysis/event-fields.js';

function paths(source: string): string[] {
  const compiled = compileExpression(source, 'match', { boolean: true });
  if (!compiled.ok) throw new Error(`${source}: ${compiled.problem.message}`);
  return eventFieldPaths(compiled.expression.ast);
}

describe('eventFieldPaths', () => {
  it.each([
    ['true', []],
    ['event.resource.bucket == "demo"', ['resource.bucket']],
    ['event.resource.bucket in ["a", "b"] && event.resource.bucket != ""', ['resource.bucket']],
    ['has(event.resource) && event.resource.id.startsWith("x")', ['resource.id']],
    ['event.data.superuser == true && event.type == "x"', ['data.superuser', 'type']],
    ['event["data"]["a"] == 1', ['data.a']],
    ['event.data.items[0] == 1', ['data.items[0]']],
    ['event.data.items[event.data.i] == 1', ['data.i', 'data.items[*]']],
    ['event.data.items.exists(i, i.severity == "high")', ['data.items']],
    ['size(event.data.labels) > 2 || event.data.labels.team == "x"', ['data.labels.team']],
    ['event.resource.id + "/" + event.data.labels.usename != ""', ['data.labels.usename', 'resource.id']],
  ])('%s reads %j', (source, expected) => {
    expect(paths(source)).toEqual(expected);
  });
});

describe('eventFieldPaths of several expressions', () => {
  it('keeps the deepest paths across them', () => {
    const ast = (source: string) => {
      const compiled = compileExpression(source, 'match', { boolean: true });
      if (!compiled.ok) throw new Error(compiled.problem.message);
      return compiled.expression.ast;
    };
    expect(eventFieldPaths(ast('has(event.data)'), ast('event.data.a == 1'))).toEqual(['data.a']);
    expect(eventFieldPaths(ast('event.data.a == 1'), ast('event.resource.id != ""'))).toEqual([
      'data.a',
      'resource.id',
    ]);
    expect(eventFieldPaths()).toEqual([]);
  });
});
