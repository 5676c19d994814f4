import type pg from 'pg';
import { ActionFailure } from '../../core/errors.js';

/** The output of `postgres.role.get`, one item of `postgres.role.list`. */
export interface RoleState {
  role: string;
  exists: boolean;
  superuser: boolean;
  login: boolean;
  /** null when the credential may not read pg_authid (only superusers may). */
  passwordSet: boolean | null;
  validUntil: string | null;
  connectionLimit: number;
}

interface RoleRow {
  role: string;
  superuser: boolean;
  login: boolean;
  connection_limit: number;
  valid_until: string | null;
  password_set: boolean | null;
}

// The server formats `valid until` as UTC ISO text, so no client time zone or Date parsing is
// involved; 'infinity' (never expires) reads as null, as an unset one does. pg_roles hides the
// password, so whether one is set is only read from pg_authid when the credential may read it:
// a query naming pg_authid without that right would fail as a whole.
function roleQuery(canReadAuthid: boolean, where: string): string {
  const passwordSet = canReadAuthid
    ? '(SELECT a.rolpassword IS NOT NULL FROM pg_catalog.pg_authid a WHERE a.oid = r.oid)'
    : 'NULL::boolean';
  return `
    SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolcanlogin AS login,
           r.rolconnlimit AS connection_limit,
           CASE WHEN r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity' THEN NULL
                ELSE pg_catalog.to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END AS valid_until,
           ${passwordSet} AS password_set
      FROM pg_catalog.pg_roles r ${where}`;
}

async function canReadAuthid(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ allowed: boolean }>(
    `SELECT pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS allowed`,
  );
  return rows[0]?.allowed === true;
}

function toState(row: RoleRow): RoleState {
  return {
    role: row.role,
    exists: true,
    superuser: row.superuser,
    login: row.login,
    passwordSet: row.password_set,
    validUntil: row.valid_until,
    connectionLimit: row.connection_limit,
  };
}

/** Reads one role; a missing role answers `exists: false` with every attribute off. */
export async function readRole(client: pg.ClientBase, role: string): Promise<RoleState> {
  const query = roleQuery(await canReadAuthid(client), 'WHERE r.rolname = $1');
  const { rows } = await client.query<RoleRow>(query, [role]);
  const row = rows[0];
  if (row) return toState(row);
  return {
    role,
    exists: false,
    superuser: false,
    login: false,
    passwordSet: false,
    validUntil: null,
    connectionLimit: -1,
  };
}

/** Every role of the cluster but the predefined pg_* ones, by name. */
export async function listRoles(client: pg.ClientBase): Promise<RoleState[]> {
  const query = roleQuery(
    await canReadAuthid(client),
    `WHERE r.rolname NOT LIKE 'pg\\_%' ORDER BY r.rolname`,
  );
  const { rows } = await client.query<RoleRow>(query);
  return rows.map(toState);
}

/** The role attributes an action may change, as ALTER ROLE spells them. */
export type RoleChange =
  | { readonly kind: 'login'; readonly value: boolean }
  | { readonly kind: 'superuser'; readonly value: boolean }
  | { readonly kind: 'connection-limit'; readonly value: number };

/**
 * ALTER ROLE, then reads the role back. The role name is quoted by the driver; a connection limit
 * cannot be a bound parameter in a utility statement, so it is checked to be an integer >= -1 and
 * written as digits. Refuses to take LOGIN or SUPERUSER away from the credential's own role (or to
 * throttle it): Rectify would lock itself out of the undo.
 */
export async function alterRole(client: pg.ClientBase, role: string, change: RoleChange): Promise<RoleState> {
  const clause = alterClause(change);
  const weakens = change.value === false || (change.kind === 'connection-limit' && change.value !== -1);
  if (weakens) {
    const { rows } = await client.query<{ own: string }>('SELECT session_user AS own');
    if (rows[0]?.own === role)
      throw new ActionFailure(
        `refusing ALTER ROLE ${role} ${clause}: it is the credential's own role, and Rectify would lose the access it needs to undo it`,
        'non-retryable',
      );
  }
  await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} ${clause}`);
  return readRole(client, role);
}

function alterClause(change: RoleChange): string {
  switch (change.kind) {
    case 'login':
      return change.value ? 'LOGIN' : 'NOLOGIN';
    case 'superuser':
      return change.value ? 'SUPERUSER' : 'NOSUPERUSER';
    case 'connection-limit':
      if (!Number.isInteger(change.value) || change.value < -1)
        throw new ActionFailure(
          `limit must be an integer of -1 (unlimited) or more, not ${String(change.value)}`,
          'non-retryable',
        );
      return `CONNECTION LIMIT ${String(change.value)}`;
  }
}
