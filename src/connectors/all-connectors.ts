import type { Connector } from '../core/catalog/connector.js';
import { httpConnector } from './http/http-connector.js';
import { mysqlConnector } from './mysql/mysql-connector.js';
import { postgresConnector } from './postgres/postgres-connector.js';
import { redisConnector } from './redis/redis-connector.js';
import { s3Connector } from './s3/s3-connector.js';
import { sandboxConnector } from './sandbox/sandbox-connector.js';

/**
 * Every connector this build performs actions with, by name: the SIMULATED sandbox (a fresh
 * in-memory world) and the real ones. Connections are opened lazily, per credential, on the first
 * call; `closeConnectors` ends them.
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
    [...connectors.values()].map(async (connector) => {
      await connector.close?.();
    }),
  );
}
