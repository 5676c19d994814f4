import type { ActionDefinition, SensitiveKind } from '../../core/catalog/action.js';
import type { CompiledWorkflow } from '../../core/compile/compiled-workflow.js';
import type { CompiledExpression } from '../../core/expr/compile-expression.js';
import { paramTemplates, type CompiledParam } from '../../core/expr/params.js';
import type { PathSegment } from '../../core/loader/source-document.js';
import { collectPins, pinClears, type Pin } from './constraints.js';
import {
  accessPathOf,
  canCarryText,
  childrenOf,
  conditional,
  formatField,
  isNode,
  operands,
  type AstNode,
  type FieldSegment,
} from './taint-ast.js';

/**
 * Taint analysis of a workflow: which event fields can put their text into which parameters.
 *
 * Sources are reads of `event` fields. A template's value is tainted by every event field read
 * anywhere in its expressions (conservative), with three exceptions that cannot carry the field's
 * TEXT into the value:
 *   - a sub-expression whose type carries no text (bool, int, uint, double, timestamp, duration,
 *     null, and lists or maps of those): `size(event.x)`, `event.x == "a"`, `int(event.n)`;
 *   - the condition of `c ? a : b` (the value is `a` or `b`);
 *   - a computed index (`l[event.i]` is an element of `l`, not `event.i`).
 * Step outputs propagate: `steps.A.output.<anything>` carries the taint of every event field read
 * by any parameter of step A (connectors may echo any input into any output).
 */

/** A read of an event field that reaches a value. */
export interface EventRead {
  /** `event.resource.bucket` */
  readonly field: string;
  /** The path below `event` (`*` for a computed index). */
  readonly segments: readonly FieldSegment[];
  /** The step outputs it travelled through to get here, oldest first (`steps.fetch.output`). */
  readonly via: readonly string[];
}

/** What a single expression's value is tainted by. */
export interface ExpressionTaint {
  readonly events: readonly {
    readonly segments: readonly FieldSegment[];
    readonly start: number;
    readonly end: number;
  }[];
  /** `steps.<id>` references whose value reaches the result; `undefined` id: all of `steps`. */
  readonly steps: readonly {
    readonly stepId: string | undefined;
    readonly start: number;
    readonly end: number;
  }[];
}

/** The event fields and step outputs whose text can reach an expression's value. Never throws. */
export function expressionTaint(expression: Pick<CompiledExpression, 'ast'>): ExpressionTaint {
  const events: { segments: FieldSegment[]; start: number; end: number }[] = [];
  const steps: { stepId: string | undefined; start: number; end: number }[] = [];
  const visit = (node: AstNode, depth: number): void => {
    if (depth > 200 || !canCarryText(node)) return;
    const access = accessPathOf(node);
    if (access) {
      const at = { start: node.range.start, end: node.range.end };
      if (access.root === 'event') events.push({ segments: access.segments, ...at });
      else if (access.root === 'steps') {
        const [id] = access.segments;
        steps.push({ stepId: typeof id === 'string' ? id : undefined, ...at });
      }
      // Other roots (run, now, result, comprehension variables) carry no event text by
      // themselves; a comprehension's range is read by its receiver, visited below.
      if (access.root === 'event' || access.root === 'steps' || access.segments.length === 0) return;
    }
    if (node.op === '?:') {
      const parts = conditional(node);
      if (parts) {
        visit(parts[1], depth + 1);
        visit(parts[2], depth + 1);
        return;
      }
    }
    if (node.op === '[]' || node.op === '[?]') {
      const pair = operands(node);
      if (pair) {
        visit(pair[0], depth + 1);
        return;
      }
    }
    for (const child of childrenOf(node)) visit(child, depth + 1);
  };
  try {
    if (isNode(expression.ast)) visit(expression.ast, 0);
  } catch {
    // An AST shape this analysis does not know: what was found so far stands.
  }
  return { events, steps };
}

/** Where a sensitive parameter is. */
export type SinkPlace = 'step' | 'rollback' | 'corroborate' | 'verify';

export interface Sink {
  readonly place: SinkPlace;
  /** Step id for steps and rollbacks; the check's index for corroborate. */
  readonly owner: string;
  readonly action: ActionDefinition;
  /** The top-level parameter the catalog marks sensitive. */
  readonly param: string;
  readonly kind: SensitiveKind;
  /** YAML path of the template's value (`spec.steps.0.with.bucket`). */
  readonly path: readonly PathSegment[];
  /** The template as written. */
  readonly template: string;
}

export interface ClearedBy {
  readonly constraint: string;
  /** YAML path of the condition holding it (`spec.trigger.match`), or the envelope rule. */
  readonly path: readonly PathSegment[];
  readonly kind: Pin['kind'];
}

export interface Flow extends EventRead {
  readonly sink: Sink;
  /** Undefined: the flow is unchecked. */
  readonly clearedBy: ClearedBy | undefined;
  /** Constraints on the field that do not clear it, and why. */
  readonly nearMisses: readonly { readonly constraint: string; readonly reason: string }[];
}

/** Event fields whose value the envelope itself fixes (spec/workflow.md "Events"). */
function envelopePins(workflow: CompiledWorkflow): Pin[] {
  const trigger = workflow.workflow.spec.trigger;
  const pin = (field: string, source: string, path: readonly PathSegment[], single = false): Pin => ({
    field: `event.${field}`,
    segments: [field],
    kind: 'envelope',
    single,
    source,
    required: true,
    path,
    start: 0,
    end: 0,
  });
  const pins = [
    // Events from other sources never reach the workflow.
    pin('source', `event.source == ${JSON.stringify(trigger.source)}`, ['spec', 'trigger', 'source'], true),
    // The envelope schema: one of info, low, medium, high, critical.
    pin('severity', 'event.severity is one of the five severities (event envelope)', []),
  ];
  if (trigger.types.every((type) => !type.includes('*')))
    pins.push(pin('type', `event.type in ${JSON.stringify(trigger.types)}`, ['spec', 'trigger', 'types']));
  return pins;
}

/**
 * Constraints every run satisfies before its corroborate checks read (the envelope and the
 * match), and before its steps and verify run (those and every corroborate `expect`).
 */
export function guardPins(workflow: CompiledWorkflow): { beforeChecks: Pin[]; beforeSteps: Pin[] } {
  const beforeChecks = [
    ...envelopePins(workflow),
    ...(workflow.match ? collectPins(workflow.match, ['spec', 'trigger', 'match']) : []),
  ];
  const corroborate = workflow.corroborate.flatMap((check) =>
    collectPins(check.expect, [...check.path, 'expect']),
  );
  return { beforeChecks, beforeSteps: [...beforeChecks, ...corroborate] };
}

/** The event reads reaching each template of a parameter tree, given the taint of step outputs. */
export function paramReads(
  param: CompiledParam,
  outputs: ReadonlyMap<string, readonly EventRead[]>,
): { path: readonly PathSegment[]; source: string; reads: EventRead[] }[] {
  return paramTemplates(param).map((template) => {
    const reads: EventRead[] = [];
    for (const expression of template.expressions) {
      const taint = expressionTaint(expression);
      for (const read of taint.events)
        reads.push({ field: formatField('event', read.segments), segments: read.segments, via: [] });
      for (const ref of taint.steps) {
        const ids = ref.stepId === undefined ? [...outputs.keys()] : [ref.stepId];
        for (const id of ids)
          for (const read of outputs.get(id) ?? [])
            reads.push({ ...read, via: [...read.via, `steps.${id}.output`] });
      }
    }
    return { path: template.path, source: template.source, reads: unique(reads) };
  });
}

function unique(reads: readonly EventRead[]): EventRead[] {
  const seen = new Set<string>();
  return reads.filter((read) => {
    const key = `${read.field}\u0000${read.via.join('\u0000')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The taint of each step's output, in step order. */
export function stepOutputTaint(workflow: CompiledWorkflow): Map<string, EventRead[]> {
  const outputs = new Map<string, EventRead[]>();
  for (const step of workflow.steps) {
    const reads = paramReads(step.params, outputs).flatMap((t) => t.reads);
    outputs.set(step.id, unique(reads));
  }
  return outputs;
}

/**
 * Every flow of an event field into a parameter the catalog marks sensitive, in steps, custom
 * rollbacks, corroborate checks and verify, each cleared or not. A flow is cleared by a required
 * pin on its ORIGINAL event field (whatever step outputs it went through) among the constraints
 * that hold before its sink runs: for corroborate checks the match (checks may run in any order);
 * for steps, rollbacks and verify the match and every corroborate `expect`; for a step and its
 * rollback also the step's own `if`.
 */
export function injectionFlows(workflow: CompiledWorkflow): Flow[] {
  const { beforeChecks, beforeSteps } = guardPins(workflow);
  const outputs = stepOutputTaint(workflow);
  const flows: Flow[] = [];

  const sinks = (
    place: SinkPlace,
    owner: string,
    action: ActionDefinition,
    params: CompiledParam,
    base: readonly PathSegment[],
    pins: readonly Pin[],
    visible: ReadonlyMap<string, readonly EventRead[]>,
  ): void => {
    for (const template of paramReads(params, visible)) {
      const [param] = template.path;
      if (typeof param !== 'string') continue;
      const kind = Object.hasOwn(action.sensitive, param) ? action.sensitive[param] : undefined;
      if (kind === undefined) continue;
      const sink: Sink = {
        place,
        owner,
        action,
        param,
        kind,
        path: [...base, ...template.path],
        template: template.source,
      };
      for (const read of template.reads) flows.push(judge(read, sink, pins));
    }
  };

  workflow.corroborate.forEach((check, index) => {
    sinks(
      'corroborate',
      String(index),
      check.action,
      check.params,
      [...check.path, 'with'],
      beforeChecks,
      new Map(),
    );
  });
  const earlier = new Map<string, readonly EventRead[]>();
  for (const step of workflow.steps) {
    const own = [...beforeSteps, ...(step.if ? collectPins(step.if, [...step.path, 'if']) : [])];
    sinks('step', step.id, step.action, step.params, [...step.path, 'with'], own, earlier);
    earlier.set(step.id, outputs.get(step.id) ?? []);
    // A rollback runs after its step: it may read the step's own output.
    if (step.rollback.kind === 'custom')
      sinks(
        'rollback',
        step.id,
        step.rollback.action,
        step.rollback.params,
        [...step.path, 'rollback', 'with'],
        own,
        new Map(earlier),
      );
  }
  if (workflow.verify)
    sinks(
      'verify',
      'verify',
      workflow.verify.action,
      workflow.verify.params,
      [...workflow.verify.path, 'with'],
      beforeSteps,
      outputs,
    );
  return flows;
}

function judge(read: EventRead, sink: Sink, pins: readonly Pin[]): Flow {
  const nearMisses: { constraint: string; reason: string }[] = [];
  for (const pin of pins) {
    const verdict = pinClears(pin, read.segments, sink.kind);
    if (!verdict) continue;
    if (verdict.clears)
      return {
        ...read,
        sink,
        clearedBy: { constraint: pin.source, path: pin.path, kind: pin.kind },
        nearMisses: [],
      };
    nearMisses.push({ constraint: pin.source, reason: verdict.reason });
  }
  return { ...read, sink, clearedBy: undefined, nearMisses: uniqueBy(nearMisses, (m) => m.constraint) };
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `spec.steps.0.with.bucket` */
export function formatYamlPath(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}
