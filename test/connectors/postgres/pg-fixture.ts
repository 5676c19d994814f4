import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ActionDefinition } from '../../../src/core/catalog/action.js';
import type { Connector, ResolvedCredential } from '../../../src/core/catalog/connector.js';
import { compileExpression } from '../../../src/core/expr/compile-expression.js';
import { compileParams } from '../../../src/core/expr/params.js';
import { toCel } from '../../../src/core/expr/values.js';
import { holds, resolve } from '../../../src/core/run/run-context.js';
import { postgresActions } from '../../../src/connectors/postgres/catalog.js';

/** The shared test server: trust auth on 127.0.0.1, so the user name alone picks the role. */
export const adminUrl = (database = 'postgres', user = 'postgres', port = 5432): string =>
  `postgres://${user}@127.0.0.1:${port}/${database}`;

/** A name no other test (or parallel run) uses: lower case, a valid unquoted identifier. */
export function uniqueName(prefix: string): string {
  return `rt_${prefix}_${randomBytes(5).toString('hex')}`;
}

export function credentialFor(url: string, name = 'pg-test'): ResolvedCredential {
  return {
    name,
    connector: 'postgres',
    settings: { url },
    scopes: postgresActions.map((action) => action.id),
  };
}

export function action(id: string): ActionDefinition {
  const found = postgresActions.find((a) => a.id === id);
  if (!found) throw new Error(`no postgres action ${id}`);
  return found;
}

/**
 * Calls a handler as the engine does: parameters validated by the catalog's input schema first,
 * and the output checked against its output schema (the engine rejects any other shape).
 */
export async function call(
  connector: Connector,
  id: string,
  params: Record<string, unknown>,
  credential: ResolvedCredential,
  signal: AbortSignal = new AbortController().signal,
): Promise<Record<string, unknown>> {
  const definition = action(id);
  const input = definition.input.parse(params) as Record<string, unknown>;
  const handler = connector.handlers[id];
  if (!handler) throw new Error(`connector does not perform ${id}`);
  const output = await handler(input, { signal, credential });
  return definition.output.parse(output) as Record<string, unknown>;
}

/**
 * Performs a write action the way a run does, rollback included: reads the catalog inverse's
 * snapshot first, acts, and returns a function that undoes it from that snapshot (skipping the
 * undo when the inverse's `when` says nothing changed). Returns what the undo did.
 */
export async function actWithUndo(
  connector: Connector,
  id: string,
  params: Record<string, unknown>,
  credential: ResolvedCredential,
): Promise<{ output: Record<string, unknown>; undo: () => Promise<'undone' | 'unchanged'> }> {
  const inverse = action(id).inverse;
  if (!inverse || 'none' in inverse || !inverse.snapshot) throw new Error(`${id} has no snapshot inverse`);
  const snapshotParams = resolved(inverse.snapshot.with, { params: toCel(params), snapshot: {} });
  const snapshot = await call(connector, inverse.snapshot.action, snapshotParams, credential);
  const output = await call(connector, id, params, credential);
  const undo = async (): Promise<'undone' | 'unchanged'> => {
    const variables = { params: toCel(params), snapshot: toCel(snapshot) };
    if (inverse.when !== undefined) {
      const compiled = compileExpression(inverse.when, 'inverse', { boolean: true });
      if (!compiled.ok) throw new Error(compiled.problem.message);
      const needed = holds(compiled.expression, variables);
      if (needed.error) throw new Error(needed.error);
      if (!needed.holds) return 'unchanged';
    }
    await call(connector, inverse.action, resolved(inverse.with, variables), credential);
    return 'undone';
  };
  return { output, undo };
}

function resolved(templates: Readonly<Record<string, unknown>>, variables: Record<string, unknown>) {
  const result = resolve(compileParams(templates, 'inverse').param, variables);
  if (!result.ok) throw new Error(result.error);
  return result.value as Record<string, unknown>;
}

/** A superuser client on the shared server, to set up misconfigurations and read back independently. */
export async function adminClient(database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: adminUrl(database) });
  await client.connect();
  return client;
}

/** Drops databases (ending their sessions first) and roles made by a test; ignores missing ones. */
export async function dropAll(admin: pg.Client, databases: string[], roles: string[]): Promise<void> {
  for (const database of databases)
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`);
  for (const role of roles) await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(role)}`);
}
