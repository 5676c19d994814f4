import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../../core/catalog/action.js';

/**
 * The `postgres` connector's catalog entries: schema privileges, role attributes and sessions of
 * a PostgreSQL cluster reached through the step's credential. Implemented in postgres-connector.ts.
 *
 * Roles and sessions belong to the cluster, not to one database: on role actions `database` only
 * picks the database to connect to (default: the credential's), so inverses leave it out.
 */
const database = z.string().min(1).describe('Database to connect to.');
const schema = z.string().min(1).describe('Schema name.');
const role = z.string().min(1).describe('Role name.');
const grantee = z.string().min(1).describe('A role name, or PUBLIC for every role.');
const schemaPrivilege = z.enum(['USAGE', 'CREATE']).describe('A schema privilege.');

const schemaRef = z.strictObject({ database, schema });
const schemaState = z.object({
  database: z.string(),
  schema: z.string(),
  exists: z.boolean(),
  owner: z.string().nullable().describe('Owning role; null when the schema does not exist.'),
  publicPrivileges: z
    .array(schemaPrivilege)
    .describe('Privileges granted to PUBLIC, e.g. ["USAGE", "CREATE"].'),
  grantees: z
    .record(z.string(), z.array(schemaPrivilege))
    .describe('Privileges granted to each named role (PUBLIC excluded).'),
});

const roleRef = z.strictObject({ database: database.optional(), role });
const roleState = z.object({
  role: z.string(),
  exists: z.boolean(),
  superuser: z.boolean(),
  login: z.boolean(),
  passwordSet: z
    .boolean()
    .nullable()
    .describe(
      'Whether the role has a password; null when the credential may not read pg_authid (superusers only).',
    ),
  validUntil: z
    .string()
    .nullable()
    .describe('Password expiry as an ISO timestamp; null when it never expires.'),
  connectionLimit: z.int().min(-1).describe('Maximum concurrent connections; -1 is unlimited.'),
});

const session = z.object({
  pid: z.int(),
  role: z.string().nullable(),
  database: z.string().nullable(),
  clientAddr: z.string().nullable().describe('Client IP address; null for a Unix-socket connection.'),
  state: z.string().nullable().describe('active, idle, idle in transaction, ...'),
  backendStart: z
    .string()
    .nullable()
    .describe(
      "When the session started, ISO timestamp; null for another role's session without pg_read_all_stats.",
    ),
});

const roleIdentifiers = { database: 'identifier', role: 'identifier' } as const;
const roleSnapshot = { action: 'postgres.role.get', with: { role: '${{ params.role }}' } };
const schemaSnapshot = {
  action: 'postgres.schema.privileges',
  with: { database: '${{ params.database }}', schema: '${{ params.schema }}' },
};

export const postgresActions: readonly ActionDefinition[] = [
  defineAction({
    id: 'postgres.schema.privileges',
    title: "Read a schema's privileges",
    description:
      'Reads the USAGE and CREATE privileges on a schema, for PUBLIC and for each role (from pg_namespace.nspacl).',
    effect: 'read',
    idempotent: true,
    input: schemaRef,
    output: schemaState,
    sensitive: { database: 'identifier', schema: 'identifier' },
    resource: ['database', 'schema'],
    inverse: undefined,
  }),
  defineAction({
    id: 'postgres.schema.list',
    title: 'List schemas and their privileges',
    description:
      'Lists the schemas of a database with their privileges, system schemas excluded (for scans).',
    effect: 'read',
    idempotent: true,
    input: z.strictObject({ database }),
    output: z.object({ items: z.array(schemaState) }),
    sensitive: { database: 'identifier' },
    resource: ['database'],
    inverse: undefined,
  }),
  defineAction({
    id: 'postgres.schema.revoke',
    title: 'Revoke a schema privilege',
    description: 'Runs REVOKE <privilege> ON SCHEMA <schema> FROM <role | PUBLIC>. Undo grants it back.',
    effect: 'write',
    idempotent: true,
    input: schemaRef.extend({ privilege: schemaPrivilege, from: grantee }),
    output: schemaState,
    sensitive: { database: 'identifier', schema: 'identifier', from: 'identifier' },
    resource: ['database', 'schema'],
    inverse: {
      action: 'postgres.schema.grant',
      snapshot: schemaSnapshot,
      with: {
        database: '${{ params.database }}',
        schema: '${{ params.schema }}',
        privilege: '${{ params.privilege }}',
        to: '${{ params.from }}',
      },
      // Grant back only what was held before: revoking a privilege nobody had changed nothing.
      when: 'params.from == "PUBLIC" ? params.privilege in snapshot.publicPrivileges : (params.from in snapshot.grantees && params.privilege in snapshot.grantees[params.from])',
    },
  }),
  defineAction({
    id: 'postgres.schema.grant',
    title: 'Grant a schema privilege',
    description: 'Runs GRANT <privilege> ON SCHEMA <schema> TO <role | PUBLIC>. Undo revokes it again.',
    effect: 'write',
    idempotent: true,
    input: schemaRef.extend({ privilege: schemaPrivilege, to: grantee }),
    output: schemaState,
    sensitive: { database: 'identifier', schema: 'identifier', to: 'identifier' },
    resource: ['database', 'schema'],
    inverse: {
      action: 'postgres.schema.revoke',
      snapshot: schemaSnapshot,
      with: {
        database: '${{ params.database }}',
        schema: '${{ params.schema }}',
        privilege: '${{ params.privilege }}',
        from: '${{ params.to }}',
      },
      // Revoke again only what the grant added: a privilege held before stays.
      when: '!(params.to == "PUBLIC" ? params.privilege in snapshot.publicPrivileges : (params.to in snapshot.grantees && params.privilege in snapshot.grantees[params.to]))',
    },
  }),
  defineAction({
    id: 'postgres.role.get',
    title: 'Read a role',
    description:
      'Reads whether a role exists, can log in, is a superuser, has a password, and its connection limit (from pg_roles).',
    effect: 'read',
    idempotent: true,
    input: roleRef,
    output: roleState,
    sensitive: roleIdentifiers,
    resource: ['role'],
    inverse: undefined,
  }),
  defineAction({
    id: 'postgres.role.list',
    title: 'List roles',
    description:
      'Lists the roles of the cluster with their attributes, pg_* system roles excluded (for scans).',
    effect: 'read',
    idempotent: true,
    input: z.strictObject({ database: database.optional() }),
    output: z.object({ items: z.array(roleState) }),
    sensitive: { database: 'identifier' },
    inverse: undefined,
  }),
  defineAction({
    id: 'postgres.role.set-login',
    title: 'Allow or forbid a role to log in',
    description:
      'Runs ALTER ROLE <role> LOGIN or NOLOGIN. Open sessions stay open: terminate them separately.',
    effect: 'write',
    idempotent: true,
    input: roleRef.extend({ login: z.boolean().describe('true: LOGIN; false: NOLOGIN.') }),
    output: roleState,
    sensitive: roleIdentifiers,
    resource: ['role'],
    inverse: {
      action: 'postgres.role.set-login',
      snapshot: roleSnapshot,
      with: { role: '${{ params.role }}', login: '${{ snapshot.login }}' },
    },
  }),
  defineAction({
    id: 'postgres.role.set-superuser',
    title: 'Grant or revoke superuser',
    description:
      'Runs ALTER ROLE <role> SUPERUSER or NOSUPERUSER. Destructive: whatever relies on the role being superuser breaks.',
    effect: 'destructive',
    idempotent: true,
    input: roleRef.extend({ superuser: z.boolean().describe('true: SUPERUSER; false: NOSUPERUSER.') }),
    output: roleState,
    sensitive: roleIdentifiers,
    resource: ['role'],
    inverse: {
      action: 'postgres.role.set-superuser',
      snapshot: roleSnapshot,
      with: { role: '${{ params.role }}', superuser: '${{ snapshot.superuser }}' },
    },
  }),
  defineAction({
    id: 'postgres.role.set-connection-limit',
    title: "Set a role's connection limit",
    description:
      'Runs ALTER ROLE <role> CONNECTION LIMIT <n>; 0 refuses new connections, -1 removes the limit.',
    effect: 'write',
    idempotent: true,
    input: roleRef.extend({
      limit: z.int().min(-1).describe('Maximum concurrent connections; -1 is unlimited.'),
    }),
    output: roleState,
    sensitive: roleIdentifiers,
    resource: ['role'],
    inverse: {
      action: 'postgres.role.set-connection-limit',
      snapshot: roleSnapshot,
      with: { role: '${{ params.role }}', limit: '${{ snapshot.connectionLimit }}' },
    },
  }),
  defineAction({
    id: 'postgres.session.list',
    title: 'List active sessions',
    description:
      'Lists client sessions from pg_stat_activity, optionally only those of one database or role.',
    effect: 'read',
    idempotent: true,
    input: z.strictObject({
      database: z.string().min(1).optional().describe('Only sessions connected to this database.'),
      role: z.string().min(1).optional().describe('Only sessions of this role.'),
    }),
    output: z.object({ items: z.array(session) }),
    sensitive: roleIdentifiers,
    inverse: undefined,
  }),
  defineAction({
    id: 'postgres.session.terminate',
    title: 'Terminate a session',
    description:
      "Runs pg_terminate_backend(<pid>) and waits up to 5 s for the session to end: its open transaction is rolled back. A pid that is already gone is a no-op; Rectify's own session is refused.",
    effect: 'destructive',
    idempotent: true,
    input: z.strictObject({
      pid: z.int().positive().describe('Backend process id, from postgres.session.list.'),
    }),
    output: z.object({
      pid: z.int(),
      terminated: z.boolean().describe('false when no such session existed.'),
    }),
    resource: ['pid'],
    inverse: { none: 'a terminated session cannot be restored; the client must reconnect' },
  }),
];
