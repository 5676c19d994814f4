/**
 * Defensive accessors over cel-js AST nodes, shared by the taint and constraint analyses.
 *
 * A node is `{ op, args, range }`; parent links may be circular, so only `args` is ever walked.
 * Every accessor accepts `unknown` and answers `undefined` (or nothing) for a shape it does not
 * know: a future cel-js version with new node kinds makes the analyses more conservative, never
 * makes them throw.
 */
import { childrenOf, isNode, type AstNode } from '../../core/expr/ast.js';

/**
 * A segment of a field path: a key, a list index, `*` for an index computed at run time, or
 * `#` (in constraints only) for "every element of this list" (from `list.all(x, ...)`).
 */
export const anyIndex: unique symbol = Symbol('any index');
export const everyElement: unique symbol = Symbol('every element');
export type FieldSegment = string | number | typeof anyIndex | typeof everyElement;

export { childrenOf, isNode, type AstNode } from '../../core/expr/ast.js';

/** Binary operands `[left, right]`, when the node has exactly two. */
export function operands(node: AstNode): [AstNode, AstNode] | undefined {
  const args = node.args;
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  const [left, right] = args as unknown[];
  return isNode(left) && isNode(right) ? [left, right] : undefined;
}

/** `?:` operands `[condition, then, else]`. */
export function conditional(node: AstNode): [AstNode, AstNode, AstNode] | undefined {
  if (node.op !== '?:' || !Array.isArray(node.args) || node.args.length !== 3) return undefined;
  const [c, t, e] = node.args as unknown[];
  return isNode(c) && isNode(t) && isNode(e) ? [c, t, e] : undefined;
}

/** The operand of `!_` / `-_`. */
export function unaryOperand(node: AstNode): AstNode | undefined {
  return isNode(node.args) ? node.args : undefined;
}

/** A call: `f(args)` (receiver undefined) or `receiver.f(args)`. */
export function callOf(
  node: AstNode,
): { name: string; receiver: AstNode | undefined; args: AstNode[] } | undefined {
  const args = node.args;
  if (!Array.isArray(args)) return undefined;
  if (node.op === 'call' && typeof args[0] === 'string' && Array.isArray(args[1]))
    return { name: args[0], receiver: undefined, args: (args[1] as unknown[]).filter(isNode) };
  if (node.op === 'rcall' && typeof args[0] === 'string' && isNode(args[1]) && Array.isArray(args[2]))
    return { name: args[0], receiver: args[1], args: (args[2] as unknown[]).filter(isNode) };
  return undefined;
}

/** The name of an `id` node. */
export function identifierOf(node: AstNode): string | undefined {
  return node.op === 'id' && typeof node.args === 'string' ? node.args : undefined;
}

/** The literal of a `value` node, with integers as numbers; undefined for other nodes. */
export function literalOf(node: AstNode): { value: unknown } | undefined {
  if (node.op !== 'value') return undefined;
  const value = node.args;
  if (typeof value === 'bigint') return { value: Number(value) };
  return { value };
}

/** A string literal's text. */
export function stringLiteralOf(node: AstNode): string | undefined {
  const literal = literalOf(node);
  return typeof literal?.value === 'string' ? literal.value : undefined;
}

/**
 * True when the node's value is fixed by the workflow's author: a literal, or a list or map of
 * literals (`-1` included). Such a value cannot carry event text.
 */
export function isConstant(node: AstNode): boolean {
  switch (node.op) {
    case 'value':
      return true;
    case '-_': {
      const inner = unaryOperand(node);
      return inner !== undefined && inner.op === 'value';
    }
    case 'list':
      return Array.isArray(node.args) && (node.args as unknown[]).every((e) => isNode(e) && isConstant(e));
    case 'map':
      return (
        Array.isArray(node.args) &&
        (node.args as unknown[]).every(
          (entry) =>
            Array.isArray(entry) && entry.length === 2 && entry.every((e) => isNode(e) && isConstant(e)),
        )
      );
    default:
      return false;
  }
}

/** True for the literal `false` (or `true` with `want`). */
export function isBoolLiteral(node: AstNode, want: boolean): boolean {
  return node.op === 'value' && node.args === want;
}

/** The CEL type the checker gave the node (`bool`, `string`, `dyn`, `list<int>`, ...), if recorded. */
export function checkedTypeOf(node: AstNode): string | undefined {
  const type = (node as { checkedType?: unknown }).checkedType;
  if (typeof type === 'string') return type;
  if (typeof type === 'object' && type !== null) {
    const name = (type as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

const textFreeScalars = new Set([
  'bool',
  'int',
  'uint',
  'double',
  'null',
  'null_type',
  'type',
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
]);

/** Operators whose result is a bool whatever their operands: used when no type was recorded. */
const booleanOps = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', '&&', '||', '!_']);

/**
 * The type rule of the taint analysis: can a value of this node's type carry text chosen by the
 * sender of an event? Booleans, numbers, timestamps, durations, null and types cannot (they
 * render as digits, `true`, or a canonical timestamp), and neither can lists or maps of them.
 * Strings, bytes, `dyn` and anything unknown can.
 */
export function canCarryText(node: AstNode): boolean {
  const type = checkedTypeOf(node);
  if (type === undefined) return !booleanOps.has(node.op);
  return typeCarriesText(type);
}

export function typeCarriesText(type: string): boolean {
  const t = type.trim();
  if (textFreeScalars.has(t)) return false;
  const list = /^list<(.*)>$/.exec(t);
  if (list?.[1] !== undefined) return typeCarriesText(list[1]);
  const map = /^map<(.*)>$/.exec(t);
  if (map?.[1] !== undefined) {
    const parts = splitTopLevel(map[1]);
    return parts.length !== 2 || parts.some(typeCarriesText);
  }
  return true;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * A field path read by a chain of selections from a variable: `event.resource.bucket`,
 * `event["data"]["names"][0]`, `steps.fetch.output.name`. `bases` maps variables to where they
 * point (comprehension variables point at `#` elements of their range). A computed index becomes
 * `*` (the index selects an element: its own text does not reach the value).
 */
export function accessPathOf(
  node: AstNode,
  bases: ReadonlyMap<string, { root: string; segments: readonly FieldSegment[] }> = new Map(),
): { root: string; segments: FieldSegment[] } | undefined {
  const id = identifierOf(node);
  if (id !== undefined) {
    const base = bases.get(id);
    return base ? { root: base.root, segments: [...base.segments] } : { root: id, segments: [] };
  }
  if ((node.op === '.' || node.op === '.?') && Array.isArray(node.args)) {
    const [object, field] = node.args as unknown[];
    if (!isNode(object) || typeof field !== 'string') return undefined;
    const inner = accessPathOf(object, bases);
    return inner ? { root: inner.root, segments: [...inner.segments, field] } : undefined;
  }
  if ((node.op === '[]' || node.op === '[?]') && Array.isArray(node.args)) {
    const [object, index] = node.args as unknown[];
    if (!isNode(object) || !isNode(index)) return undefined;
    const inner = accessPathOf(object, bases);
    if (!inner) return undefined;
    const literal = literalOf(index)?.value;
    const segment: FieldSegment =
      typeof literal === 'string' || (typeof literal === 'number' && Number.isInteger(literal))
        ? literal
        : anyIndex;
    return { root: inner.root, segments: [...inner.segments, segment] };
  }
  return undefined;
}

/** `event.data.names[0]`, `event.resource["my-key"]`, `event.data.names[*]`. */
export function formatField(root: string, segments: readonly FieldSegment[]): string {
  let out = root;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (segment === anyIndex) out += '[*]';
    else if (segment === everyElement) out += '[#]';
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The source text of a node inside its expression. */
export function textOf(source: string, node: AstNode): string {
  return source.slice(node.range.start, node.range.end);
}

/** True when the expression reads the variable anywhere (`result` in a check's `expect`). */
export function readsVariable(root: unknown, name: string): boolean {
  const visit = (node: unknown, depth: number): boolean =>
    isNode(node) &&
    depth < 200 &&
    (identifierOf(node) === name || childrenOf(node).some((c) => visit(c, depth + 1)));
  try {
    return visit(root, 0);
  } catch {
    return false;
  }
}
