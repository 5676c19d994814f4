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
}): Promise<ReturnType<typeof scanEvents> & { readonly output: unknown }> {
  const handler = scan.connector.handlers[scan.action];
  const definition = catalog.get(scan.action);
  if (!handler || !definition) throw new Error(`the ${scan.connector.name} connector has no ${scan.action}`);
  // As the scanner does: parameters checked by the catalog's input schema, the output by its output.
  const params = definition.input.parse(scan.params ?? {}) as Record<string, unknown>;
  const output: unknown = definition.output.parse(
    await handler(params, { signal: AbortSignal.timeout(20_000), credential: scan.credential }),
  );
  const keyFields = resourceKeyFields(catalog, scan.action);
  const scanned = scanEvents({
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
  return { ...scanned, output };
}
