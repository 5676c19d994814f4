import { describe, expect, it } from 'vitest';
import { compileParams, paramTemplates, resolveParams, staticView } from '../../../src/core/expr/params.js';
import { toCel } from '../../../src/core/expr/values.js';

const context = {
  event: toCel({
    id: 'e',
    source: 's',
    type: 't',
    time: 'x',
    severity: 'low',
    resource: { id: 'r', bucket: 'demo' },
    data: { count: 2, tags: ['a'] },
  }),
  steps: toCel({ snapshot: { output: { access: 'public' } } }),
  run: toCel({ id: 'r-1', workflow: 'w', version: 'v', mode: 'enforce' }),
  now: new Date(0),
};

const raw = {
  bucket: '${{ event.resource.bucket }}',
  access: 'private',
  note: 'was ${{ steps.snapshot.output.access }}',
  limits: { count: '${{ event.data.count * 2 }}', fixed: 3 },
  tags: ['static', '${{ event.data.tags }}'],
};

describe('compileParams', () => {
  it('compiles every template of a parameter tree and resolves it with its type', () => {
    const { param, problems } = compileParams(raw, 'stepParams');
    expect(problems).toEqual([]);
    expect(resolveParams(param, context)).toEqual({
      bucket: 'demo',
      access: 'private',
      note: 'was public',
      limits: { count: 4, fixed: 3 },
      tags: ['static', ['a']],
    });
  });

  it('reports problems with their path below the parameters', () => {
    const { problems } = compileParams({ a: { b: ['ok', '${{ evnt.x }}'] }, c: '${{ 1 + }}' }, 'stepParams');
    expect(problems.map((p) => [p.path, p.problem.code])).toEqual([
      [['a', 'b', 1], 'cel-type'],
      [['c'], 'cel-syntax'],
    ]);
  });
});

describe('paramTemplates', () => {
  it('lists every template with its path and expressions', () => {
    const { param } = compileParams(raw, 'stepParams');
    expect(paramTemplates(param).map((t) => [t.path, t.source, t.expressions.map((e) => e.source)])).toEqual([
      [['bucket'], '${{ event.resource.bucket }}', ['event.resource.bucket']],
      [['note'], 'was ${{ steps.snapshot.output.access }}', ['steps.snapshot.output.access']],
      [['limits', 'count'], '${{ event.data.count * 2 }}', ['event.data.count * 2']],
      [['tags', 1], '${{ event.data.tags }}', ['event.data.tags']],
    ]);
  });
});

describe('staticView', () => {
  it('keeps literal values and names the paths of templates, whose type is known only at run time', () => {
    const { param } = compileParams(raw, 'stepParams');
    const { value, templatePaths } = staticView(param);
    expect(value).toEqual({
      bucket: undefined,
      access: 'private',
      note: 'template',
      limits: { count: undefined, fixed: 3 },
      tags: ['static', undefined],
    });
    expect(templatePaths).toEqual(['bucket', 'note', 'limits\u0000count', 'tags\u00001']);
  });
});
