import { defaultCatalog } from '../../src/connectors/catalog.js';
import type { Connector, ResolvedCredential } from '../../src/core/catalog/connector.js';
import { resourceKeyFields, scanEvents, scanEventType } from '../../src/sources/schedule/scan-events.js';

const catalog = defaultCatalog();

/**
 * One scan as a `type: schedule` source runs it (src/sources/schedule): the connector's list
 * action with the scan credential, then one event per listed resource, typed as the catalog's read
 * of one item. The integration tests ingest (some of) these events into the engine.
 * @example const { events } = await scanAsSource({ connector, action: 'redis.acl.list', source: 'redis-scan', credential, scanId: 's1', now })
 */
export async function scanAsSource(scan: {
  readonly connector: Connector;
  readonly action: string;
  readonly source: string;
  readonly credential: ResolvedCredential;
  readonly scanId: string;
  readonly now: number;
  readonly params?: Record<string, unknown>;
}): Promise<ReturnType<typeof scanEvents>> {
  const handler = scan.connector.handlers[scan.action];
  if (!handler) throw new Error(`the ${scan.connector.name} connector has no ${scan.action}`);
  const params = scan.params ?? {};
  const output = await handler(params, { signal: AbortSignal.timeout(20_000), credential: scan.credential });
  const keyFields = resourceKeyFields(catalog, scan.action);
  return scanEvents({
    source: scan.source,
    action: scan.action,
    type: scanEventType(catalog, scan.action, keyFields),
    credential: scan.credential.name,
    scanId: scan.scanId,
    params,
    output,
    keyFields,
    now: scan.now,
  });
}
