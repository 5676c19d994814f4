import { serialize, type ASTNode } from '@marcbachmann/cel-js';
import { environmentFor } from '../../core/expr/environment.js';
import { severities } from '../../core/types.js';

/**
 * Constant folding of CEL conditions, for the reviewer: does a condition have the same value for
 * every event that can reach a workflow?
 *
 * What is known about such an event comes from the trigger and the envelope (core/model/event.ts):
 * its `type` is one of the trigger's types (when none is a wildcard), its `source` is the trigger's
 * source, its `severity` is one of the five severities, and `id`, `source`, `type`, `time`,
 * `severity`, `resource`, `data` and `resource.id` are always present (the strings non-empty).
 * Nothing else about an event is known.
 *
 * A folded value is a promise about every evaluation: it yields that value, or an error. An
 * error is never false, so a condition folded to `true` can never be false. Sub-expressions that
 * read only what is known are evaluated by cel-js itself, for every possible event, so folding
 * agrees with the engine's semantics; around them, `&&`, `||`, `!` and `?:` are folded with CEL's
 * rules (an error on one side of `||` is absorbed by `true` on the other) and `x == x` of the same
 * pure access path is true. Pure: no I/O, no clock; never throws.
 */

/** What the trigger says about the events that reach a workflow. */
export interface EventDomain {
  /** Every value `event.type` can take; undefined when unbounded (a wildcard type). */
  readonly types: readonly string[] | undefined;
  /** The one value of `event.source`; undefined when not known. */
  readonly source: string | undefined;
}

export type Folded =
  | {
      readonly known: true;
      /** The value every evaluation yields (when it does not fail). */
      readonly value: unknown;
      /** The sub-expression that decides it, as CEL text. */
      readonly because: string;
    }
  | { readonly known: false };

const unknown: Folded = { known: false };

/** Envelope fields every event has (core/model/event.ts). */
const requiredFields: ReadonlySet<string> = new Set([
  'id',
  'source',
  'type',
  'time',
  'severity',
  'resource',
  'data',
]);
/** Event paths that always hold a non-empty string. */
const nonEmptyStrings: ReadonlySet<string> = new Set(['id', 'source', 'type', 'time', 'resource.id']);
/** Fields whose value is one of a finite, known set (with the domain). */
type Enumerated = 'type' | 'source' | 'severity';

/** At most this many events are enumerated for one sub-expression. */
const maxCombinations = 256;

/**
 * Folds a condition over every event of a domain.
 * @example foldCondition(ast('event.type == "a" || x'), { types: ['a'], source: 's' }) // true
 */
export function foldCondition(ast: ASTNode, domain: EventDomain): Folded {
  try {
    return fold(ast, domain);
  } catch {
    return unknown;
  }
}

function fold(node: ASTNode, domain: EventDomain): Folded {
  const reads = closedReads(node, domain);
  if (reads) {
    const evaluated = evaluateEverywhere(node, reads, domain);
    if (evaluated.known) return evaluated;
  }
  const fact = envelopeFact(node);
  if (fact) return fact;
  switch (node.op) {
    case '!_': {
      const inner = fold(node.args, domain);
      return inner.known && typeof inner.value === 'boolean'
        ? { known: true, value: !inner.value, because: inner.because }
        : unknown;
    }
    case '||':
    case '&&': {
      const absorbing = node.op === '||';
      const left = fold(node.args[0], domain);
      const right = fold(node.args[1], domain);
      for (const side of [left, right]) if (side.known && side.value === absorbing) return side;
      if (left.known && right.known && left.value === !absorbing && right.value === !absorbing)
        return { known: true, value: !absorbing, because: serialize(node) };
      return unknown;
    }
    case '?:': {
      const [condition, then, otherwise] = node.args;
      const test = fold(condition, domain);
      if (test.known && test.value === true) return fold(then, domain);
      if (test.known && test.value === false) return fold(otherwise, domain);
      const a = fold(then, domain);
      const b = fold(otherwise, domain);
      return a.known && b.known && sameValue(a.value, b.value)
        ? { known: true, value: a.value, because: serialize(node) }
        : unknown;
    }
    case '==':
    case '!=':
    case '<=':
    case '>=':
    case '<':
    case '>': {
      const [left, right] = node.args;
      if (isPurePath(left) && isPurePath(right) && serialize(left) === serialize(right))
        return {
          known: true,
          value: node.op === '==' || node.op === '<=' || node.op === '>=',
          because: serialize(node),
        };
      return unknown;
    }
    default:
      return unknown;
  }
}

/**
 * What an always-present, non-empty envelope field says on its own: `has(event.resource)`,
 * `event.resource.id != ""`, `size(event.id) > 0` and their negations.
 */
function envelopeFact(node: ASTNode): Folded | undefined {
  const known = (value: boolean): Folded => ({ known: true, value, because: serialize(node) });
  if (node.op === 'call' && node.args[0] === 'has') {
    const [argument] = node.args[1];
    const path = argument && node.args[1].length === 1 ? eventPath(argument) : undefined;
    if (path !== undefined && (requiredFields.has(path) || path === 'resource.id')) return known(true);
    return undefined;
  }
  if (node.op === '==' || node.op === '!=') {
    const [left, right] = node.args;
    const field = isEmptyString(right) ? left : isEmptyString(left) ? right : undefined;
    const path = field ? eventPath(field) : undefined;
    if (path !== undefined && nonEmptyStrings.has(path)) return known(node.op === '!=');
  }
  if (node.op === '>' || node.op === '>=' || node.op === '!=' || node.op === '==' || node.op === '<') {
    const [left, right] = node.args;
    const size = sizeOfNonEmpty(left);
    if (!size || right.op !== 'value' || typeof right.args !== 'bigint') return undefined;
    const n = right.args;
    // size(s) >= 1 for every s: decide the comparison when it holds (or fails) for all sizes >= 1.
    if (node.op === '>' && n <= 0n) return known(true);
    if (node.op === '>=' && n <= 1n) return known(true);
    if (node.op === '!=' && n <= 0n) return known(true);
    if (node.op === '==' && n <= 0n) return known(false);
    if (node.op === '<' && n <= 1n) return known(false);
  }
  return undefined;
}

function sizeOfNonEmpty(node: ASTNode): boolean {
  const target =
    node.op === 'call' && node.args[0] === 'size' && node.args[1].length === 1
      ? node.args[1][0]
      : node.op === 'rcall' && node.args[0] === 'size' && node.args[2].length === 0
        ? node.args[1]
        : undefined;
  if (!target) return false;
  const path = eventPath(target);
  return path !== undefined && nonEmptyStrings.has(path);
}

function isEmptyString(node: ASTNode): boolean {
  return node.op === 'value' && node.args === '';
}

/** `event.a.b` / `event["a"].b` as `a.b`; undefined for anything else. */
export function eventPath(node: ASTNode): string | undefined {
  if (node.op === '.') {
    const base = node.args[0].op === 'id' && node.args[0].args === 'event' ? '' : eventPath(node.args[0]);
    return base === undefined ? undefined : base === '' ? node.args[1] : `${base}.${node.args[1]}`;
  }
  if (node.op === '[]' && node.args[1].op === 'value' && typeof node.args[1].args === 'string') {
    const key = node.args[1].args;
    const base = node.args[0].op === 'id' && node.args[0].args === 'event' ? '' : eventPath(node.args[0]);
    return base === undefined ? undefined : base === '' ? key : `${base}.${key}`;
  }
  return undefined;
}

/** An access path without calls or arithmetic: the same text always reads the same value. */
function isPurePath(node: ASTNode): boolean {
  switch (node.op) {
    case 'id':
      return true;
    case '.':
      return isPurePath(node.args[0]);
    case '[]':
      return isPurePath(node.args[0]) && (node.args[1].op === 'value' || isPurePath(node.args[1]));
    default:
      return false;
  }
}

/**
 * The enumerated fields a sub-expression reads when it reads nothing else about the event (and
 * not `now`); undefined when it reads something unknown.
 */
function closedReads(node: ASTNode, domain: EventDomain): Set<Enumerated> | undefined {
  const reads = new Set<Enumerated>();
  const visit = (current: ASTNode): boolean => {
    const path = eventPath(current);
    if (path !== undefined) {
      if (path === 'type' && domain.types !== undefined) reads.add('type');
      else if (path === 'source' && domain.source !== undefined) reads.add('source');
      else if (path === 'severity') reads.add('severity');
      else return false;
      return true;
    }
    switch (current.op) {
      case 'value':
        return true;
      case 'id':
        // `event` whole, or `now`: unknown. Any other name is bound by a macro or is a type name.
        return current.args !== 'event' && current.args !== 'now';
      case 'call':
        if (current.args[0] === 'has') return envelopeFact(current) !== undefined;
        return current.args[1].every(visit);
      case 'rcall':
        return visit(current.args[1]) && current.args[2].every(visit);
      case '.':
      case '.?':
        return visit(current.args[0]);
      case 'list':
        return current.args.every(visit);
      case 'map':
        return current.args.every(([key, value]) => visit(key) && visit(value));
      case '!_':
      case '-_':
        return visit(current.args);
      default:
        return (current.args as readonly ASTNode[]).every(visit);
    }
  };
  return visit(node) ? reads : undefined;
}

/** Evaluates a closed sub-expression for every possible event: known when all agree. */
function evaluateEverywhere(node: ASTNode, reads: ReadonlySet<Enumerated>, domain: EventDomain): Folded {
  const typeValues = reads.has('type') ? (domain.types ?? []) : ['_'];
  const severityValues = reads.has('severity') ? severities : ['medium'];
  if (typeValues.length === 0 || typeValues.length * severityValues.length > maxCombinations) return unknown;
  const text = serialize(node);
  let evaluate: (context: Record<string, unknown>) => unknown;
  try {
    evaluate = environmentFor(['event', 'now']).parse(text);
  } catch {
    return unknown;
  }
  let value: unknown;
  let seen = false;
  for (const type of typeValues) {
    for (const severity of severityValues) {
      let result: unknown;
      try {
        result = evaluate({ event: placeholderEvent(type, domain.source ?? '_', severity) });
      } catch {
        continue; // an error is never a different value
      }
      if (seen && !sameValue(result, value)) return unknown;
      value = result;
      seen = true;
    }
  }
  return seen ? { known: true, value, because: text } : unknown;
}

/** An event whose unknown parts are never read by a closed sub-expression (only tested by `has`). */
function placeholderEvent(type: string, source: string, severity: string): Record<string, unknown> {
  return {
    id: '_',
    source,
    type,
    time: '1970-01-01T00:00:00Z',
    severity,
    resource: { id: '_' },
    data: {},
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'object' || typeof b === 'object') return false;
  return a === b;
}
