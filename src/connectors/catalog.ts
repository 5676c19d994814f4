import { ActionCatalog } from '../core/catalog/catalog.js';
import { httpActions } from './http/catalog.js';
import { mysqlActions } from './mysql/catalog.js';
import { postgresActions } from './postgres/catalog.js';
import { redisActions } from './redis/catalog.js';
import { s3Actions } from './s3/catalog.js';
import { sandboxActions } from './sandbox/catalog.js';

/** What a connector acts on: `simulated` runs in memory (the sandbox); `real` acts on real systems. */
export const ConnectorStatus = {
  simulated: 'simulated',
  real: 'real',
} as const;
export type ConnectorStatus = (typeof ConnectorStatus)[keyof typeof ConnectorStatus];

/** Every connector of this build and its status, by connector name (the first segment of its action ids). */
export const connectorStatus: Readonly<Record<string, ConnectorStatus>> = {
  sandbox: ConnectorStatus.simulated,
  postgres: ConnectorStatus.real,
  mysql: ConnectorStatus.real,
  redis: ConnectorStatus.real,
  s3: ConnectorStatus.real,
  http: ConnectorStatus.real,
};

/**
 * A new catalog holding every action of every connector of this build.
 * @example
 * defaultCatalog().get('postgres.schema.revoke')?.inverse // { action: 'postgres.schema.grant', ... }
 */
export function defaultCatalog(): ActionCatalog {
  return new ActionCatalog().register(
    ...sandboxActions,
    ...postgresActions,
    ...mysqlActions,
    ...redisActions,
    ...s3Actions,
    ...httpActions,
  );
}
