import type pg from 'pg';
import { ActionFailure } from '../../core/errors.js';

export type SchemaPrivilege = 'USAGE' | 'CREATE';
const schemaPrivileges: readonly SchemaPrivilege[] = ['USAGE', 'CREATE'];

/** The output of `postgres.schema.privileges`, one item of `postgres.schema.list`. */
export interface SchemaState {
  database: string;
  schema: string;
  exists: boolean;
  owner: string | null;
  publicPrivileges: SchemaPrivilege[];
  grantees: Record<string, SchemaPrivilege[]>;
}

interface AclRow {
  schema: string;
  owner: string;
  grantee: string | null;
  privilege: string | null;
}

// One row per (schema, grantee, privilege) from the schema's ACL; a NULL ACL means the defaults
// (owner only), which acldefault spells out. Grantee 0 is PUBLIC.
const aclQuery = `
  SELECT n.nspname AS schema,
         pg_catalog.pg_get_userbyid(n.nspowner) AS owner,
         CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END AS grantee,
         a.privilege_type AS privilege
    FROM pg_catalog.pg_namespace n
    LEFT JOIN LATERAL pg_catalog.aclexplode(COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a ON true`;

/** Folds ACL rows into one state per schema, in the order the rows name them. */
function foldAcl(database: string, rows: readonly AclRow[]): SchemaState[] {
  const states = new Map<string, SchemaState>();
  for (const row of rows) {
    let state = states.get(row.schema);
    if (!state) {
      state = {
        database,
        schema: row.schema,
        exists: true,
        owner: row.owner,
        publicPrivileges: [],
        grantees: {},
      };
      states.set(row.schema, state);
    }
    const privilege = schemaPrivileges.find((p) => p === row.privilege);
    if (row.grantee === null || !privilege) continue;
    const held = row.grantee === 'PUBLIC' ? state.publicPrivileges : (state.grantees[row.grantee] ??= []);
    if (!held.includes(privilege)) held.push(privilege);
  }
  // A stable order (USAGE before CREATE) so outputs compare equal whatever the ACL order.
  for (const state of states.values()) {
    state.publicPrivileges.sort(byPrivilege);
    for (const held of Object.values(state.grantees)) held.sort(byPrivilege);
  }
  return [...states.values()];
}

function byPrivilege(a: SchemaPrivilege, b: SchemaPrivilege): number {
  return schemaPrivileges.indexOf(a) - schemaPrivileges.indexOf(b);
}

/** Reads one schema's privileges; a missing schema answers `exists: false`. */
export async function readSchema(
  client: pg.ClientBase,
  database: string,
  schema: string,
): Promise<SchemaState> {
  const { rows } = await client.query<AclRow>(`${aclQuery} WHERE n.nspname = $1`, [schema]);
  return (
    foldAcl(database, rows)[0] ?? {
      database,
      schema,
      exists: false,
      owner: null,
      publicPrivileges: [],
      grantees: {},
    }
  );
}

/** Every schema of the connected database but the system ones (pg_*, information_schema). */
export async function listSchemas(client: pg.ClientBase, database: string): Promise<SchemaState[]> {
  const { rows } = await client.query<AclRow>(
    `${aclQuery} WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY n.nspname`,
  );
  return foldAcl(database, rows);
}

export interface SchemaChange {
  readonly database: string;
  readonly schema: string;
  readonly privilege: string;
  /** A role name, or exactly `PUBLIC`. */
  readonly grantee: string;
}

/**
 * GRANT or REVOKE a schema privilege, then reads the schema back. The privilege comes from a fixed
 * list, identifiers are quoted by the driver. Postgres only WARNS when a REVOKE or GRANT changes
 * nothing for lack of rights (not the owner, no grant option), so the state read back is checked:
 * a change that did not take is a non-retryable failure, never a silent success.
 */
export async function changeSchemaPrivilege(
  client: pg.ClientBase,
  change: SchemaChange,
  mode: 'grant' | 'revoke',
): Promise<SchemaState> {
  const privilege = schemaPrivileges.find((p) => p === change.privilege);
  if (!privilege)
    throw new ActionFailure(`privilege must be USAGE or CREATE, not ${change.privilege}`, 'non-retryable');
  const grantee = granteeSql(client, change.grantee);
  const schema = client.escapeIdentifier(change.schema);
  await client.query(
    mode === 'grant'
      ? `GRANT ${privilege} ON SCHEMA ${schema} TO ${grantee}`
      : `REVOKE ${privilege} ON SCHEMA ${schema} FROM ${grantee}`,
  );
  const after = await readSchema(client, change.database, change.schema);
  const held =
    change.grantee === 'PUBLIC'
      ? after.publicPrivileges.includes(privilege)
      : (after.grantees[change.grantee] ?? []).includes(privilege);
  if (held !== (mode === 'grant')) {
    const verb = mode === 'grant' ? 'GRANT ran but' : 'REVOKE ran but';
    const state = mode === 'grant' ? 'does not hold' : 'still holds';
    throw new ActionFailure(
      `${verb} ${change.grantee} ${state} ${privilege} on schema ${change.schema}: the credential's role ` +
        `must own the schema or hold ${privilege} WITH GRANT OPTION (or, for a grant made by another role, be that role)`,
      'non-retryable',
    );
  }
  return after;
}

/** PUBLIC is a keyword, not a role: quoted it would name a (non-existent) role "PUBLIC". */
function granteeSql(client: pg.ClientBase, grantee: string): string {
  if (grantee === 'PUBLIC') return 'PUBLIC';
  if (grantee.toLowerCase() === 'public')
    throw new ActionFailure(
      `grantee ${grantee}: write PUBLIC in capitals for every role (a role cannot be named public)`,
      'non-retryable',
    );
  return client.escapeIdentifier(grantee);
}
