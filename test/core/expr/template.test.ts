import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  hasTemplate,
  renderTemplate,
  templateExpressions,
  type CompiledTemplate,
} from '../../../src/core/expr/template.js';
import { toCel } from '../../../src/core/expr/values.js';

const context = {
  event: toCel({
    id: 'e-1',
    source: 's',
    type: 'sandbox.bucket.public',
    time: '2026-11-27T10:00:00Z',
    severity: 'high',
    resource: { id: 'r', bucket: 'demo' },
    data: { count: 5, ratio: 0.5, tags: ['a', 'b'], nested: { x: 1 }, on: true, none: null, big: 2 ** 60 },
  }),
  steps: toCel({ snapshot: { output: { bucket: 'demo', access: 'public' } } }),
  run: toCel({ id: 'r-1', workflow: 'w', version: 'v', mode: 'enforce' }),
  now: new Date('2026-11-27T12:00:00Z'),
};

function template(text: string): CompiledTemplate {
  const { template: compiled, problems } = compileTemplate(text, 'stepParams');
  expect(problems).toEqual([]);
  if (!compiled) throw new Error(`${text} did not compile`);
  return compiled;
}

const render = (text: string) => renderTemplate(template(text), context);

describe('hasTemplate', () => {
  it('sees a template opening anywhere, closed or not', () => {
    expect(hasTemplate('${{ event.id }}')).toBe(true);
    expect(hasTemplate('x-${{')).toBe(true);
    expect(hasTemplate('${ event.id }')).toBe(false);
    expect(hasTemplate('{{ event.id }}')).toBe(false);
    expect(hasTemplate('')).toBe(false);
  });
});

describe('compileTemplate: a whole-value template keeps the type of its expression', () => {
  it.each([
    ['${{ event.data.count + 1 }}', 6],
    ['${{ event.data.ratio }}', 0.5],
    ['${{ event.data.on }}', true],
    ['${{ event.data.tags }}', ['a', 'b']],
    ['${{ event.data.nested }}', { x: 1 }],
    ['${{ event.data.none }}', null],
    ['${{ event.resource.bucket }}', 'demo'],
    ['${{event.resource.bucket}}', 'demo'],
    ['${{ steps.snapshot.output }}', { bucket: 'demo', access: 'public' }],
    ['${{ event.data.big + 1 }}', '1152921504606846977'],
  ])('%s renders to %j', (text, value) => {
    expect(template(text).kind).toBe('whole');
    expect(render(text)).toEqual(value);
  });

  it('gives a Date for a timestamp', () => {
    expect(render('${{ now }}')).toEqual(new Date('2026-11-27T12:00:00Z'));
  });
});

describe('compileTemplate: an interpolated template becomes a string', () => {
  it.each([
    ['n=${{ event.data.count + 1 }}', 'n=6'],
    ['${{ event.data.on }}-${{ 1.5 }}', 'true-1.5'],
    ['tags: ${{ event.data.tags }}', 'tags: ["a","b"]'],
    ['${{ event.data.nested }}!', '{"x":1}!'],
    ['[${{ event.data.none }}]', '[]'],
    ['at ${{ now }}', 'at 2026-11-27T12:00:00.000Z'],
    ['  ${{ event.resource.bucket }}  ', '  demo  '],
    ['${{ event.resource.bucket }}/${{ steps.snapshot.output.access }}', 'demo/public'],
    ['big ${{ event.data.big }}', 'big 1152921504606846976'],
  ])('%j renders to %j', (text, value) => {
    expect(template(text).kind).toBe('interpolated');
    expect(render(text)).toBe(value);
  });

  it('leaves text without a template as a literal', () => {
    expect(template('private')).toEqual({ kind: 'literal', value: 'private' });
    expect(render('a } b }} c')).toBe('a } b }} c');
  });
});

describe('compileTemplate: problems, at their offset in the value', () => {
  it('reports an unclosed template from its `${{` to the end of the value', () => {
    const { template: compiled, problems } = compileTemplate(
      'archive-${{ event.resource.bucket }-logs',
      'stepParams',
    );
    expect(compiled).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'cel-syntax', valueStart: 8, valueEnd: 40 });
    expect(problems[0]?.message).toMatch(/not closed/);
  });

  it('reports an empty template', () => {
    const { problems } = compileTemplate('a ${{ }} b', 'stepParams');
    expect(problems).toEqual([expect.objectContaining({ code: 'cel-syntax', valueStart: 2, valueEnd: 8 })]);
  });

  it('reports every broken template of a value, at the token inside it', () => {
    const text = '${{ 1 + }} and ${{ evnt.x }}';
    const { problems } = compileTemplate(text, 'stepParams');
    expect(problems.map((p) => [p.code, p.valueStart, text.slice(p.valueStart, p.valueEnd)])).toEqual([
      ['cel-syntax', 7, ' '],
      ['cel-type', 19, 'evnt'],
    ]);
  });

  it('uses the variables of its scope', () => {
    expect(compileTemplate('${{ result.access }}', 'stepParams').problems[0]?.code).toBe('cel-type');
    expect(compileTemplate('${{ steps.a.output }}', 'checkParams').problems[0]?.code).toBe('cel-type');
    expect(compileTemplate('${{ params.bucket }}', 'inverse').problems).toEqual([]);
  });

  it('never throws, and problem offsets stay inside the value', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom('${{', '}}', ' ', 'event.id', 'x', '}', '{', '"', '+', 'steps.a.output', '$'),
          { maxLength: 12 },
        ),
        (parts) => {
          const text = parts.join('');
          const { template: compiled, problems } = compileTemplate(text, 'stepParams');
          expect(compiled === undefined).toBe(problems.length > 0);
          for (const p of problems) {
            expect(p.valueStart).toBeGreaterThanOrEqual(0);
            expect(p.valueEnd).toBeLessThanOrEqual(text.length);
            expect(p.valueStart).toBeLessThanOrEqual(p.valueEnd);
          }
        },
      ),
      { seed: 9, numRuns: 2000 },
    );
  });
});

describe('templateExpressions', () => {
  it('lists the expressions of a template, in order', () => {
    expect(templateExpressions(template('x')).map((e) => e.source)).toEqual([]);
    expect(templateExpressions(template('${{ event.id }}')).map((e) => e.source)).toEqual(['event.id']);
    expect(templateExpressions(template('${{ event.id }}-${{  run.id  }}')).map((e) => e.source)).toEqual([
      'event.id',
      'run.id',
    ]);
  });

  it('keeps the step references of each expression, relative to the expression', () => {
    const [expression] = templateExpressions(template('prefix ${{ steps.snapshot.output.bucket }}'));
    expect(expression?.stepReferences).toEqual([{ stepId: 'snapshot', start: 0, end: 14 }]);
  });
});
