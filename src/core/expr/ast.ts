/**
 * Defensive accessors over cel-js AST nodes, shared by the compiler and the reviewer's analyses.
 *
 * A node is `{ op, args, range }`; parent links may be circular, so only `args` is ever walked.
 * Every accessor accepts `unknown` and answers nothing for a shape it does not know: a future
 * cel-js version with new node kinds makes analyses more conservative, never makes them throw.
 */

/** A node as the analyses see it. */
export interface AstNode {
  readonly op: string;
  readonly args: unknown;
  readonly range: { readonly start: number; readonly end: number };
}

export function isNode(value: unknown): value is AstNode {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { op?: unknown; range?: unknown };
  if (typeof candidate.op !== 'string') return false;
  const range = candidate.range as { start?: unknown; end?: unknown } | undefined;
  return typeof range === 'object' && typeof range.start === 'number' && typeof range.end === 'number';
}

/** The node's operand nodes, in source order; for an unknown op, every node found in `args`. */
export function childrenOf<T extends AstNode>(node: T): T[] {
  const args = node.args;
  switch (node.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return Array.isArray(args) ? (args.slice(0, 1).filter(isNode) as T[]) : [];
    case 'call':
      return Array.isArray(args) && Array.isArray(args[1])
        ? ((args[1] as unknown[]).filter(isNode) as T[])
        : [];
    case 'rcall':
      return Array.isArray(args)
        ? ([args[1], ...(Array.isArray(args[2]) ? (args[2] as unknown[]) : [])].filter(isNode) as T[])
        : [];
    case 'map':
      return Array.isArray(args)
        ? ((args as unknown[])
            .flatMap((e): unknown[] => (Array.isArray(e) ? (e as unknown[]) : []))
            .filter(isNode) as T[])
        : [];
    default:
      if (isNode(args)) return [args as T];
      return Array.isArray(args) ? ((args as unknown[]).filter(isNode) as T[]) : [];
  }
}
