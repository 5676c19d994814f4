import { defaultCatalog } from '../../../src/connectors/catalog.js';
import type { Connector, ResolvedCredential } from '../../../src/core/catalog/connector.js';
import { compileExpression } from '../../../src/core/expr/compile-expression.js';
import { compileParams, resolveParams } from '../../../src/core/expr/params.js';
import { toCel } from '../../../src/core/expr/values.js';

export const catalog = defaultCatalog();

/**
 * Calls a real connector's actions the way the engine does: input validated against the catalog,
 * output checked against it; and drives a write's catalog inverse from its snapshot, honouring
 * the inverse's `when`. Shared by the mysql and redis connector tests.
 */
export function catalogCaller(connector: Connector, credential: ResolvedCredential) {
  const call = async (
    id: string,
    params: Record<string, unknown>,
    options: { credential?: ResolvedCredential; signal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> => {
    const action = catalog.get(id);
    if (!action) throw new Error(`no action ${id}`);
    const handler = connector.handlers[id];
    if (!handler) throw new Error(`${connector.name} does not perform ${id}`);
    const input = action.input.parse(params) as Record<string, unknown>;
    const output = await handler(input, {
      signal: options.signal ?? new AbortController().signal,
      credential: options.credential ?? credential,
    });
    return action.output.parse(output) as Record<string, unknown>;
  };

  const inverseOf = (id: string) => {
    const inverse = catalog.get(id)?.inverse;
    if (!inverse || 'none' in inverse) throw new Error(`${id} has no inverse`);
    return inverse;
  };

  /** Reads the snapshot the inverse of `id` needs, before acting. */
  const snapshot = async (id: string, params: Record<string, unknown>): Promise<unknown> => {
    const inverse = inverseOf(id);
    if (!inverse.snapshot) throw new Error(`${id} has no snapshot`);
    const snapshotParams = resolveParams(compileParams(inverse.snapshot.with, 'inverse').param, {
      params: toCel(params),
    });
    return call(inverse.snapshot.action, snapshotParams as Record<string, unknown>);
  };

  /** Undoes `id` from its catalog inverse: 'unchanged' when its `when` says there is nothing to undo. */
  const undo = async (
    id: string,
    params: Record<string, unknown>,
    before: unknown,
  ): Promise<'undone' | 'unchanged'> => {
    const inverse = inverseOf(id);
    const variables = { params: toCel(params), snapshot: toCel(before) };
    if (inverse.when !== undefined) {
      const compiled = compileExpression(inverse.when, 'inverse', { boolean: true });
      if (!compiled.ok) throw new Error(compiled.problem.message);
      if (compiled.expression.evaluate(variables) !== true) return 'unchanged';
    }
    const inverseParams = resolveParams(compileParams(inverse.with, 'inverse').param, variables);
    await call(inverse.action, inverseParams as Record<string, unknown>);
    return 'undone';
  };

  return { call, snapshot, undo };
}

/** A unique name for a test account or user: `rfy_t_<random>`. */
export function testName(suffix = ''): string {
  return `rfy_t_${Math.random().toString(36).slice(2, 10)}${suffix}`;
}

/** The rejection of `promise`, which must reject. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { kind?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { kind?: string };
  }
  throw new Error('expected the call to fail, it succeeded');
}
