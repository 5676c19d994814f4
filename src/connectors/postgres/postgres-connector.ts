import type { ActionHandler, Connector } from '../../core/catalog/connector.js';
import { postgresActions } from './catalog.js';
import { PostgresPools, type PostgresPoolOptions } from './postgres-pools.js';
import { alterRole, listRoles, readRole } from './roles.js';
import { changeSchemaPrivilege, listSchemas, readSchema } from './schema-privileges.js';
import { listSessions, terminateSession } from './sessions.js';

export type PostgresConnectorOptions = PostgresPoolOptions;

// Parameters arrive validated against the catalog's input schema; these only narrow the types.
const text = (params: Record<string, unknown>, key: string): string => String(params[key]);
const optional = (params: Record<string, unknown>, key: string): string | undefined =>
  typeof params[key] === 'string' ? params[key] : undefined;

/**
 * The `postgres` connector: performs the postgres catalog's actions on a real PostgreSQL server
 * (14 or later) with the `pg` driver, as the call's credential (`with: { url }`). A `database`
 * parameter picks the database to connect to in place of the URL's; each (credential, database)
 * has its own small pool, ended by `close()`. Failures are `ActionFailure`s classified as
 * `credentials` (password refused or expired), `retryable` (unreachable, overloaded, deadlock,
 * shutdown, timeout) or `non-retryable` (missing role, no privilege), and never hold a secret.
 * @example
 * const postgres = postgresConnector()
 * await postgres.handlers['postgres.role.get']?.({ role: 'etl_loader' }, { signal, credential })
 * // { role: 'etl_loader', exists: true, login: true, superuser: false, ... }
 * await postgres.close?.()
 */
export function postgresConnector(options: PostgresConnectorOptions = {}): Connector {
  const pools = new PostgresPools(options);
  const performs: Record<string, ActionHandler> = {
    'postgres.schema.privileges': (params, context) => {
      const database = text(params, 'database');
      return pools.use('postgres.schema.privileges', context, database, (client) =>
        readSchema(client, database, text(params, 'schema')),
      );
    },
    'postgres.schema.list': (params, context) => {
      const database = text(params, 'database');
      return pools.use('postgres.schema.list', context, database, async (client) => ({
        items: await listSchemas(client, database),
      }));
    },
    'postgres.schema.revoke': (params, context) => {
      const database = text(params, 'database');
      return pools.use('postgres.schema.revoke', context, database, (client) =>
        changeSchemaPrivilege(
          client,
          {
            database,
            schema: text(params, 'schema'),
            privilege: text(params, 'privilege'),
            grantee: text(params, 'from'),
          },
          'revoke',
        ),
      );
    },
    'postgres.schema.grant': (params, context) => {
      const database = text(params, 'database');
      return pools.use('postgres.schema.grant', context, database, (client) =>
        changeSchemaPrivilege(
          client,
          {
            database,
            schema: text(params, 'schema'),
            privilege: text(params, 'privilege'),
            grantee: text(params, 'to'),
          },
          'grant',
        ),
      );
    },
    'postgres.role.get': (params, context) =>
      pools.use('postgres.role.get', context, optional(params, 'database'), (client) =>
        readRole(client, text(params, 'role')),
      ),
    'postgres.role.list': (params, context) =>
      pools.use('postgres.role.list', context, optional(params, 'database'), async (client) => ({
        items: await listRoles(client),
      })),
    'postgres.role.set-login': (params, context) =>
      pools.use('postgres.role.set-login', context, optional(params, 'database'), (client) =>
        alterRole(client, text(params, 'role'), { kind: 'login', value: params.login === true }),
      ),
    'postgres.role.set-superuser': (params, context) =>
      pools.use('postgres.role.set-superuser', context, optional(params, 'database'), (client) =>
        alterRole(client, text(params, 'role'), { kind: 'superuser', value: params.superuser === true }),
      ),
    'postgres.role.set-connection-limit': (params, context) =>
      pools.use('postgres.role.set-connection-limit', context, optional(params, 'database'), (client) =>
        alterRole(client, text(params, 'role'), { kind: 'connection-limit', value: Number(params.limit) }),
      ),
    // Sessions are cluster-wide: `database` filters them, it does not pick where to connect.
    'postgres.session.list': (params, context) =>
      pools.use('postgres.session.list', context, undefined, async (client) => ({
        items: await listSessions(client, {
          database: optional(params, 'database'),
          role: optional(params, 'role'),
        }),
      })),
    'postgres.session.terminate': (params, context) =>
      pools.use('postgres.session.terminate', context, undefined, (client) =>
        terminateSession(client, Number(params.pid)),
      ),
  };
  // Catalog and implementation must not drift: a declared action without a handler, or a handler
  // the catalog does not declare, is a programming error found by the first test that builds one.
  for (const action of postgresActions)
    if (!performs[action.id]) throw new Error(`postgres connector does not perform ${action.id}`);
  for (const id of Object.keys(performs))
    if (!postgresActions.some((action) => action.id === id))
      throw new Error(`postgres connector performs ${id}, which its catalog does not declare`);
  return { name: 'postgres', handlers: performs, close: () => pools.close() };
}
