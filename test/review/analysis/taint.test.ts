import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../../src/connectors/catalog.js';
import type { CompiledWorkflow } from '../../../src/core/compile/compiled-workflow.js';
import { compileExpression } from '../../../src/core/expr/compile-expression.js';
import { loadDocument } from '../../../src/core/loader/load-document.js';
import { formatField } from '../../../src/review/analysis/taint-ast.js';
import {
  expressionTaint,
  formatYamlPath,
  injectionFlows,
  type Flow,
} from '../../../src/review/analysis/taint.js';

const catalog = defaultCatalog();
const cleanText = readFileSync(
  join(import.meta.dirname, '..', '..', 'fixtures', 'review', 'clean-workflow.yaml'),
  'utf8',
);

function taint(source: string): string[] {
  const result = compileExpression(source, 'stepParams', { boolean: false });
  if (!result.ok) throw new Error(`${source}: ${result.problem.message}`);
  const { events, steps } = expressionTaint(result.expression);
  return [
    ...events.map((e) => formatField('event', e.segments)),
    ...steps.map((s) => `steps.${s.stepId ?? '*'}`),
  ];
}

describe('expressionTaint', () => {
  it.each([
    ['event.resource.bucket', ['event.resource.bucket']],
    ['event.resource.bucket + "-logs"', ['event.resource.bucket']],
    ['"logs-" + event.data.x + event.data.y', ['event.data.x', 'event.data.y']],
    ['string(event.data.x)', ['event.data.x']],
    ['event.data.x.lowerAscii()', ['event.data.x']],
    ['event.resource.id.substring(13)', ['event.resource.id']],
    ['event.data.names[0]', ['event.data.names[0]']],
    ['event["data"]["names"][0]', ['event.data.names[0]']],
    ['event.data.l.map(x, x + "a")', ['event.data.l']],
    ['{"k": event.data.v}.k', ['event.data.v']],
    ['steps.fetch.output.name', ['steps.fetch']],
    ['steps["fetch"].output', ['steps.fetch']],
    ['run.id + "-" + event.id', ['event.id']],
  ])('%s is tainted by %j', (source, expected) => {
    expect(taint(source)).toEqual(expected);
  });

  it.each([
    'size(event.data.x)',
    'event.data.x == "a"',
    'int(event.data.n)',
    'string(size(event.data.l))',
    'event.data.l.exists(x, x == "a")',
    'has(event.data.x)',
    'timestamp(event.time)',
    '["a", "b"][int(event.data.i)]',
    'event.data.x in ["a"]',
    'run.id',
    '"constant"',
  ])('%s carries no event text', (source) => {
    expect(taint(source)).toEqual([]);
  });

  it('keeps the branches of `?:`, not its condition', () => {
    expect(taint('event.data.i > 2 ? "a" : event.id')).toEqual(['event.id']);
  });

  it('keeps the container of a computed index, not the index', () => {
    expect(taint('event.data.names[event.data.i]')).toEqual(['event.data.names[*]']);
  });

  it('never throws on an AST shape it does not know', () => {
    const odd = {
      op: 'mystery',
      args: [{ op: 'id', args: 'event', range: { start: 0, end: 5 } }],
      range: { start: 0, end: 9 },
    };
    expect(expressionTaint({ ast: odd } as never).events).toHaveLength(1);
    expect(expressionTaint({ ast: null } as never)).toEqual({ events: [], steps: [] });
    expect(
      expressionTaint({ ast: { op: '.', args: 'broken', range: { start: 0, end: 1 } } } as never).events,
    ).toEqual([]);
  });
});

/** The clean fixture with text replaced, compiled. */
function workflow(edit: (text: string) => string = (t) => t): CompiledWorkflow {
  const text = edit(cleanText);
  const result = loadDocument('w.yaml', text, { catalog });
  if (result.document?.kind !== 'Workflow')
    throw new Error(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; '));
  return result.document.workflow;
}

const describeFlow = (f: Flow): string =>
  `${formatYamlPath(f.sink.path)} ${f.sink.kind} ${f.field}${f.via.length ? ` via ${f.via.join('>')}` : ''} ${
    f.clearedBy ? `cleared by ${f.clearedBy.constraint}` : 'UNCHECKED'
  }`;

const match = (m: string) => (t: string) =>
  t.replace(
    'match: event.resource.bucket in ["demo-reports", "demo-exports"]',
    () => `match: >-\n      ${m}`,
  );
const stepBucket = (value: string) => (t: string) =>
  t.replace('bucket: ${{ event.resource.bucket }}', () => `bucket: ${value}`);

describe('injectionFlows', () => {
  it('clears every flow of the clean fixture, saying by which constraint', () => {
    const flows = injectionFlows(workflow());
    expect(flows.map(describeFlow)).toEqual([
      'spec.corroborate.0.with.bucket identifier event.resource.bucket cleared by event.resource.bucket in ["demo-reports", "demo-exports"]',
      'spec.steps.0.with.bucket identifier event.resource.bucket cleared by event.resource.bucket in ["demo-reports", "demo-exports"]',
      'spec.verify.with.bucket identifier event.resource.bucket cleared by event.resource.bucket in ["demo-reports", "demo-exports"]',
    ]);
    expect(flows[0]?.clearedBy).toMatchObject({ path: ['spec', 'trigger', 'match'], kind: 'list' });
    expect(flows[0]?.sink).toMatchObject({
      place: 'corroborate',
      owner: '0',
      param: 'bucket',
      action: { id: 'sandbox.bucket.get' },
    });
  });

  it('reports an unpinned field everywhere it reaches, with the constraints that fell short', () => {
    const flows = injectionFlows(workflow(match("event.resource.bucket.matches('^demo-.*$')")));
    expect(flows.every((f) => f.clearedBy === undefined)).toBe(true);
    expect(flows.map((f) => f.sink.place)).toEqual(['corroborate', 'step', 'verify']);
    expect(flows[1]?.nearMisses).toEqual([
      {
        constraint: "event.resource.bucket.matches('^demo-.*$')",
        reason: 'the pattern allows almost any character in an identifier',
      },
    ]);
  });

  it('follows step outputs through a chain, and clears on the original field', () => {
    const chain = stepBucket('${{ steps.b.output.bucket }}');
    const steps = (t: string) =>
      t.replace(
        '  steps:\n',
        [
          '  steps:',
          '    - id: a',
          '      action: sandbox.bucket.get',
          '      with: { bucket: "${{ event.data.target }}" }',
          '    - id: b',
          '      action: sandbox.bucket.get',
          '      with: { bucket: "${{ steps.a.output.bucket }}" }',
          '',
        ].join('\n'),
      );
    const unpinned = injectionFlows(workflow((t) => chain(steps(t)))).filter((f) => f.sink.place === 'step');
    expect(unpinned.map(describeFlow)).toEqual([
      'spec.steps.0.with.bucket identifier event.data.target UNCHECKED',
      'spec.steps.1.with.bucket identifier event.data.target via steps.a.output UNCHECKED',
      'spec.steps.2.with.bucket identifier event.data.target via steps.a.output>steps.b.output UNCHECKED',
    ]);
    const pinned = injectionFlows(
      workflow((t) =>
        match('event.resource.bucket in ["demo-reports"] && event.data.target == "demo-exports"')(
          chain(steps(t)),
        ),
      ),
    );
    expect(pinned.every((f) => f.clearedBy !== undefined)).toBe(true);
  });

  it('counts custom rollbacks, not parameters the catalog does not mark sensitive', () => {
    const flows = injectionFlows(
      workflow((t) =>
        t.replace(
          '        access: private\n',
          '        access: private\n      rollback:\n        action: sandbox.bucket.set-access\n        with: { bucket: "${{ event.data.old }}", access: "${{ event.data.access }}" }\n',
        ),
      ),
    );
    expect(flows.filter((f) => !f.clearedBy).map(describeFlow)).toEqual([
      'spec.steps.0.rollback.with.bucket identifier event.data.old UNCHECKED',
    ]);
  });

  it("clears a check's parameters by the match only, steps and verify also by corroborate expects", () => {
    const flows = injectionFlows(
      workflow((t) =>
        match('event.data.access == "public"')(t).replace(
          'expect: result.access == "public"',
          'expect: result.access == "public" && event.resource.bucket == "demo-reports"',
        ),
      ),
    );
    expect(
      flows.map((f) => `${f.sink.place} ${f.clearedBy ? formatYamlPath(f.clearedBy.path) : 'UNCHECKED'}`),
    ).toEqual([
      'corroborate UNCHECKED',
      'step spec.corroborate.0.expect',
      'verify spec.corroborate.0.expect',
    ]);
  });

  it("clears a step's parameters by its own `if`, and nothing else by it", () => {
    const flows = injectionFlows(
      workflow((t) =>
        stepBucket('${{ event.data.mirror }}')(t).replace(
          '      action: sandbox.bucket.set-access\n',
          '      action: sandbox.bucket.set-access\n      if: event.data.mirror in ["demo-mirror"]\n',
        ),
      ),
    );
    expect(flows.find((f) => f.field === 'event.data.mirror')?.clearedBy?.path).toEqual([
      'spec',
      'steps',
      0,
      'if',
    ]);
  });

  it('knows what the envelope fixes: the source always, the type when no wildcard is accepted', () => {
    const uses = stepBucket('${{ event.source + "-" + event.type + "-" + event.severity }}');
    const named = injectionFlows(workflow(uses)).filter((f) => f.sink.place === 'step');
    expect(named.map((f) => [f.field, f.clearedBy?.kind])).toEqual([
      ['event.source', 'envelope'],
      ['event.type', 'envelope'],
      ['event.severity', 'envelope'],
    ]);
    const wildcard = injectionFlows(
      workflow((t) => uses(t).replace('types: [sandbox.bucket.public]', 'types: ["sandbox.*"]')),
    );
    expect(wildcard.filter((f) => !f.clearedBy).map((f) => f.field)).toEqual(['event.type']);
  });

  it('sees nothing in values that carry no text', () => {
    const flows = injectionFlows(workflow(stepBucket('"demo-${{ size(event.data.names) }}"')));
    expect(flows.filter((f) => f.sink.place === 'step')).toEqual([]);
  });
});
