import { httpConnector } from '../connectors/http/http-connector.js';
import { mysqlConnector } from '../connectors/mysql/mysql-connector.js';
import { postgresConnector } from '../connectors/postgres/postgres-connector.js';
import { redisConnector } from '../connectors/redis/redis-connector.js';
import { s3Connector } from '../connectors/s3/s3-connector.js';
import { sandboxConnector } from '../connectors/sandbox/sandbox-connector.js';
import type { Connector } from '../core/catalog/connector.js';

/**
 * Every connector this build performs actions with, by name: the SIMULATED sandbox and the real
 * ones. Connections are opened lazily, per credential, on the first call.
 * @example const connectors = allConnectors()
 */
export function allConnectors(): Map<string, Connector> {
  const list: Connector[] = [
    sandboxConnector(),
    postgresConnector(),
    mysqlConnector(),
    redisConnector(),
    s3Connector(),
    httpConnector(),
  ];
  return new Map(list.map((connector) => [connector.name, connector]));
}

/** Closes every connector's pools; a failure to close one does not stop the others. */
export async function closeConnectors(connectors: ReadonlyMap<string, Connector>): Promise<void> {
  await Promise.allSettled(
    [...connectors.values()].map((connector) => connector.close?.() ?? Promise.resolve()),
  );
}
