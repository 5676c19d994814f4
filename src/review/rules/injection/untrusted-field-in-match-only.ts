import { isWriteEffect } from '../../../core/catalog/action.js';
import type { CompiledCheck } from '../../../core/compile/compiled-workflow.js';
import { collectPins, pinCovers, type Pin } from '../../analysis/constraints.js';
import { readsVariable } from '../../analysis/taint-ast.js';
import { guardPins, paramReads, stepOutputTaint, type EventRead } from '../../analysis/taint.js';
import type { Rule } from '../../rule.js';

/**
 * `injection/untrusted-field-in-match-only`: a write acts on a resource the event names, and no
 * corroborate check reads that resource live first. Reads the catalog's `resource` lists (which
 * parameters name what an action acts on) and `effect`, never action names.
 */
export const untrustedFieldInMatchOnly: Rule = {
  meta: {
    id: 'injection/untrusted-field-in-match-only',
    title: 'Write on a resource named by the event, with no live read of it',
    severity: 'high',
    confidence: 'medium',
    description:
      'An event is a claim: "bucket demo-reports is public". When a write step\'s resource parameters (the catalog\'s `resource` list: bucket, role, user, ...) come from event fields, the event chooses what is changed, and `match` only checks the event against itself. A forged, replayed or stale event then makes the workflow change a resource that is fine, within whatever the match allows. A corroborate check that reads the SAME resource live (a check whose read action\'s resource parameters are fed by the same event fields, or the same template) turns the claim into a fact before anything changes; its `expect` must look at `result`. A field pinned to a single literal (`== "a"`, `in ["a"]`) names nothing: the author did. Confidence is medium: a check that names the resource through other fields than the step (`event.resource.id` versus `event.resource.bucket`) is not recognised.',
    remediation: {
      summary:
        'Add a corroborate check that reads the resource the step acts on, with the same event field, and whose `expect` tests the live state the event claims.',
      before: [
        'steps:',
        '  - id: close',
        '    action: sandbox.bucket.set-access',
        '    with: { bucket: "${{ event.resource.bucket }}", access: private }',
      ].join('\n'),
      after: [
        'corroborate:',
        '  - check: sandbox.bucket.get',
        '    with: { bucket: "${{ event.resource.bucket }}" }',
        '    expect: result.access == "public"',
        'steps:',
        '  - id: close',
        '    action: sandbox.bucket.set-access',
        '    with: { bucket: "${{ event.resource.bucket }}", access: private }',
      ].join('\n'),
    },
    references: [
      'spec/review.md',
      'spec/workflow.md#speccorroborate-verify',
      'https://owasp.org/Top10/A08_2021-Software_and_Data_Integrity_Failures/',
      'https://cwe.mitre.org/data/definitions/345.html',
    ],
    messages: {
      unread:
        'step `{{step}}` runs {{action}} on the {{params}} named by {{fields}}, but no corroborate check reads that resource live first',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    const { beforeSteps } = guardPins(workflow);
    const outputs = stepOutputTaint(workflow);
    const earlier = new Map<string, readonly EventRead[]>();
    const checks = workflow.corroborate.filter((check) => readsVariable(check.expect.ast, 'result'));
    for (const step of workflow.steps) {
      const guards = [...beforeSteps, ...(step.if ? collectPins(step.if, [...step.path, 'if']) : [])];
      const named = resourceParams(step.action.resource, paramReads(step.params, earlier), guards);
      earlier.set(step.id, outputs.get(step.id) ?? []);
      if (!isWriteEffect(step.action.effect) || named.length === 0) continue;
      if (checks.some((check) => readsSame(check, named, beforeSteps))) continue;
      const fields = [...new Set(named.flatMap((n) => n.fields))];
      context.report({
        messageId: 'unread',
        data: {
          step: step.id,
          action: step.action.id,
          params: listed(named.map((n) => n.param)),
          fields: listed(fields),
        },
        path: step.path,
        evidence: {
          step: step.id,
          action: step.action.id,
          resources: named.map((n) => ({ param: n.param, fields: n.fields, template: n.templates[0] ?? '' })),
          checks: workflow.corroborate.length,
        },
      });
    }
  },
};

interface NamedResource {
  readonly param: string;
  /** Original event fields (after step outputs) that choose the parameter's value. */
  readonly fields: readonly string[];
  /** The templates as written. */
  readonly templates: readonly string[];
}

/**
 * The resource parameters whose value an event field chooses: fields pinned to one literal value
 * by a required constraint (or the envelope) name nothing.
 */
function resourceParams(
  resource: readonly string[],
  templates: readonly { path: readonly (string | number)[]; source: string; reads: readonly EventRead[] }[],
  guards: readonly Pin[],
): NamedResource[] {
  const named: NamedResource[] = [];
  for (const param of resource) {
    const own = templates.filter((t) => t.path[0] === param);
    const fields = own
      .flatMap((t) => t.reads)
      .filter((read) => !guards.some((pin) => pin.required && pin.single && pinCovers(pin, read.segments)))
      .map((read) => read.field);
    if (fields.length > 0)
      named.push({
        param,
        fields: [...new Set(fields)].sort(),
        templates: own.map((t) => t.source),
      });
  }
  return named;
}

/** Does the check read the same resource: for each named parameter, one of its resource params fed alike? */
function readsSame(check: CompiledCheck, named: readonly NamedResource[], guards: readonly Pin[]): boolean {
  const reads = resourceParams(check.action.resource, paramReads(check.params, new Map()), guards);
  return named.every((step) =>
    reads.some(
      (read) =>
        read.templates.some((t) => step.templates.some((u) => normalise(u) === normalise(t))) ||
        (read.fields.length > 0 && sameSet(read.fields, step.fields)),
    ),
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function normalise(template: string): string {
  return template.replace(/\s+/g, '');
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}
