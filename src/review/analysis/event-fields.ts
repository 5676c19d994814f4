import { childrenOf } from '../../core/expr/ast.js';
import type { ASTNode } from '@marcbachmann/cel-js';

/**
 * The event fields a CEL expression reads, as paths below `event` (`resource.bucket`,
 * `data.labels.usename`). A field read through a computed index ends in `[*]`; `event` read whole
 * is `` (the empty path). Only the deepest paths are kept: `has(event.resource) &&
 * event.resource.id != ""` reads one field, `resource.id`. Several expressions are read together.
 * Sorted; pure; never throws.
 * @example eventFieldPaths(ast('event.data.a == 1 && has(event.data.a)')) // ['data.a']
 */
export function eventFieldPaths(...asts: readonly ASTNode[]): string[] {
  const found = new Set<string>();
  const visit = (node: ASTNode): void => {
    const path = accessPath(node, visit);
    if (path !== undefined) {
      found.add(path);
      return;
    }
    for (const child of childrenOf(node)) visit(child);
  };
  try {
    for (const ast of asts) visit(ast);
  } catch {
    return [];
  }
  const paths = [...found];
  return paths
    .filter(
      (path) =>
        !paths.some(
          (other) =>
            other !== path && (path === '' || other.startsWith(`${path}.`) || other.startsWith(`${path}[`)),
        ),
    )
    .sort();
}

/**
 * The path of an access chain rooted at `event`, or undefined when the node is not one. Index
 * expressions inside the chain are visited (they may read other fields).
 */
function accessPath(node: ASTNode, visitIndex: (node: ASTNode) => void): string | undefined {
  switch (node.op) {
    case 'id':
      return node.args === 'event' ? '' : undefined;
    case '.':
    case '.?': {
      const base = accessPath(node.args[0], visitIndex);
      return base === undefined ? undefined : join(base, node.args[1]);
    }
    case '[]':
    case '[?]': {
      const base = accessPath(node.args[0], visitIndex);
      if (base === undefined) return undefined;
      const index = node.args[1];
      if (index.op === 'value' && typeof index.args === 'string') return join(base, index.args);
      if (index.op === 'value' && (typeof index.args === 'bigint' || typeof index.args === 'number'))
        return `${base}[${String(index.args)}]`;
      visitIndex(index);
      return `${base}[*]`;
    }
    default:
      return undefined;
  }
}

function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

export { childrenOf };
