import type { SensitiveKind } from '../../core/catalog/action.js';
import type { CompiledExpression } from '../../core/expr/compile-expression.js';
import type { PathSegment } from '../../core/loader/source-document.js';
import { patternPins } from './constraints-pattern.js';
import {
  accessPathOf,
  anyIndex,
  callOf,
  conditional,
  everyElement,
  formatField,
  identifierOf,
  isBoolLiteral,
  isConstant,
  isNode,
  operands,
  stringLiteralOf,
  textOf,
  unaryOperand,
  type AstNode,
  type FieldSegment,
} from './taint-ast.js';

/**
 * Constraints that pin an event field: what lets the injection rules clear a data flow.
 *
 * A condition pins `event.f` when it can hold only if `event.f` is one of values the author wrote:
 *   - `event.f == <literal>` (either side), `event.f in [<literals>]`;
 *   - `event.f.matches("<pattern>")`, when the pattern pins for the sink's kind (constraints-pattern.ts);
 *   - `event.l.all(x, <a pin of x>)` pins every element `event.l[i]`.
 * Only a REQUIRED constraint counts: one in the conjunctive position of a condition (the `&&`
 * chain; under `!` the polarity flips, so `!(f != "a" || g)` requires `f == "a"`; in `c ? a : false`
 * both `c` and `a` are required). A pin under `||`, or in a branch that need not be taken, is
 * collected too, marked not required, so that a report can say why it does not count.
 */

export type PinKind = 'equality' | 'list' | 'pattern' | 'envelope';

export interface Pin {
  /** `event.resource.bucket`, `event.data.names[#]` (every element). */
  readonly field: string;
  /** The field path below `event`. */
  readonly segments: readonly FieldSegment[];
  readonly kind: PinKind;
  /** For `pattern` pins: the RE2 pattern. */
  readonly pattern?: string;
  /** The field can hold one value only (`== "a"`, `in ["a"]`, the envelope's source). */
  readonly single: boolean;
  /** The constraint as written (`event.resource.bucket in ["a", "b"]`). */
  readonly source: string;
  /** True when the condition cannot hold without this constraint holding. */
  readonly required: boolean;
  /** When not required: where it sits (`under \`||\``, `in one branch of \`?:\``). */
  readonly optional?: string;
  /** Where the condition is: its YAML path (`spec.trigger.match`) ... */
  readonly path: readonly PathSegment[];
  /** ... and the constraint's offsets inside the condition's text. */
  readonly start: number;
  readonly end: number;
}

type Bases = ReadonlyMap<string, { root: string; segments: readonly FieldSegment[] }>;

/**
 * Every pin-shaped constraint of a boolean condition. Never throws: an unknown node shape pins
 * nothing.
 */
export function collectPins(expression: CompiledExpression, path: readonly PathSegment[]): Pin[] {
  const pins: Pin[] = [];
  const source = expression.source;

  const eventPath = (node: AstNode, bases: Bases): readonly FieldSegment[] | undefined => {
    const access = accessPathOf(node, bases);
    return access && access.root === 'event' ? access.segments : undefined;
  };

  const push = (
    node: AstNode,
    segments: readonly FieldSegment[],
    kind: PinKind,
    optional: string | undefined,
    extra: { pattern?: string; single?: boolean } = {},
  ): void => {
    const { pattern, single = false } = extra;
    pins.push({
      field: formatField('event', segments),
      segments,
      kind,
      single,
      ...(pattern !== undefined ? { pattern } : {}),
      source: textOf(source, node),
      required: optional === undefined,
      ...(optional !== undefined ? { optional } : {}),
      path,
      start: node.range.start,
      end: node.range.end,
    });
  };

  /**
   * `positive`: the condition must be true (false) for the whole to hold; `optional`: undefined
   * when it must hold at all, else why it need not.
   */
  const visit = (
    node: unknown,
    positive: boolean,
    optional: string | undefined,
    bases: Bases,
    depth: number,
  ): void => {
    if (!isNode(node) || depth > 200) return;
    const next = depth + 1;
    switch (node.op) {
      case '&&':
      case '||': {
        const pair = operands(node);
        if (!pair) return;
        // `a && b` true needs both; `a || b` false needs both false.
        const both = (node.op === '&&') === positive;
        const why = node.op === '||' ? 'it sits under `||`' : 'it sits under `!(... && ...)`';
        for (const side of pair) visit(side, positive, optional ?? (both ? undefined : why), bases, next);
        return;
      }
      case '!_':
        visit(unaryOperand(node), !positive, optional, bases, next);
        return;
      case '?:': {
        const parts = conditional(node);
        if (!parts) return;
        const [c, t, e] = parts;
        // positive: `c ? t : false` needs c and t; `c ? false : e` needs !c and e.
        // negative: `c ? t : true` false needs c and !t; `c ? true : e` false needs !c and !e.
        const off = !positive;
        if (isBoolLiteral(e, off)) {
          visit(c, true, optional, bases, next);
          visit(t, positive, optional, bases, next);
        } else if (isBoolLiteral(t, off)) {
          visit(c, false, optional, bases, next);
          visit(e, positive, optional, bases, next);
        } else {
          const why = optional ?? 'it sits in one branch of `?:`';
          visit(c, true, why, bases, next);
          visit(t, positive, why, bases, next);
          visit(e, positive, why, bases, next);
        }
        return;
      }
      case '==':
      case '!=': {
        const pair = operands(node);
        if (!pair) return;
        const [left, right] = pair;
        const field = eventPath(left, bases) ?? eventPath(right, bases);
        const other = eventPath(left, bases) ? right : left;
        // `!(f == "a")` excludes a value: it pins nothing.
        if (field && isConstant(other) && (node.op === '==') === positive)
          push(node, field, 'equality', optional, { single: true });
        return;
      }
      case 'in': {
        const pair = operands(node);
        if (!pair) return;
        const [left, right] = pair;
        const field = eventPath(left, bases);
        if (positive && field && (right.op === 'list' || right.op === 'map') && isConstant(right))
          push(node, field, 'list', optional, {
            single: Array.isArray(right.args) && right.args.length === 1,
          });
        return;
      }
      default:
        break;
    }
    const call = callOf(node);
    if (!call) return;
    if (call.name === 'matches') {
      const [subject, patternNode] = call.receiver
        ? [call.receiver, call.args[0]]
        : [call.args[0], call.args[1]];
      if (!subject || !patternNode) return;
      const field = eventPath(subject, bases);
      const pattern = stringLiteralOf(patternNode);
      if (positive && field && pattern !== undefined) push(node, field, 'pattern', optional, { pattern });
      return;
    }
    if (positive && call.name === 'all' && call.receiver && call.args.length === 2) {
      const list = eventPath(call.receiver, bases);
      const variable = call.args[0] ? identifierOf(call.args[0]) : undefined;
      if (!list || variable === undefined) return;
      const inner = new Map(bases);
      inner.set(variable, { root: 'event', segments: [...list, everyElement] });
      visit(call.args[1], true, optional, inner, next);
    }
  };

  try {
    visit(expression.ast, true, undefined, new Map(), 0);
  } catch {
    return pins;
  }
  return pins;
}

/**
 * True when a constraint on `pin` constrains a read of `read` (both below `event`):
 * equal paths, or — for a pin to a literal value — a read below the pinned field (the literal
 * fixes all of it). `#` (every element) in a pin stands for any literal list index of the read.
 */
export function pinCovers(pin: Pin, read: readonly FieldSegment[]): boolean {
  const exact = pin.kind === 'pattern';
  if (exact ? read.length !== pin.segments.length : read.length < pin.segments.length) return false;
  return pin.segments.every((segment, i) => {
    const other = read[i];
    if (segment === everyElement) return typeof other === 'number';
    if (segment === anyIndex || other === anyIndex || other === everyElement) return false;
    return segment === other;
  });
}

/**
 * Does this pin clear a read of `read` flowing into a sink of `kind`? Required, covering, and —
 * for a pattern — tight enough for the kind. Otherwise why not (undefined when it is about
 * another field).
 */
export function pinClears(
  pin: Pin,
  read: readonly FieldSegment[],
  kind: SensitiveKind,
): { clears: true } | { clears: false; reason: string } | undefined {
  if (!pinCovers(pin, read)) return undefined;
  if (!pin.required)
    return {
      clears: false,
      reason: `the condition can hold without it (${pin.optional ?? 'it is optional'})`,
    };
  if (pin.kind === 'pattern') {
    const verdict = patternPins(pin.pattern ?? '', kind);
    return verdict.pins ? { clears: true } : { clears: false, reason: verdict.reason };
  }
  return { clears: true };
}
