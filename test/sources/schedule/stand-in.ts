import type { ActionHandler, Connector, ResolvedCredential } from '../../../src/core/catalog/connector.js';
import type { RectifyEvent } from '../../../src/core/model/event.js';
import type { AuditRecord } from '../../../src/audit/audit-record.js';
import type { Store } from '../../../src/store/store.js';

/**
 * A STAND-IN connector for the scanner's tests: it answers `sandbox.bucket.list` (a list action of
 * the real catalog, so the catalog-driven item mapping is exercised) with whatever the test
 * scripts, and counts calls. Not the sandbox connector: no world, no faults, just the script.
 */
export function standInConnector(script: ActionHandler): Connector & { calls: number } {
  const connector = {
    name: 'sandbox',
    calls: 0,
    handlers: {
      'sandbox.bucket.list': (params: Record<string, unknown>, context: Parameters<ActionHandler>[1]) => {
        connector.calls++;
        return script(params, context);
      },
    },
  };
  return connector;
}

export const readerCredential: ResolvedCredential = {
  name: 'bucket-reader',
  connector: 'sandbox',
  settings: {},
  scopes: ['sandbox.bucket.list'],
};

export const bucketScan = (extra: Record<string, unknown> = { every: '5m' }) => ({
  name: 'bucket-scan',
  type: 'schedule' as const,
  scan: 'sandbox.bucket.list',
  credentials: 'bucket-reader',
  ...extra,
});

export const buckets = (...names: string[]) => ({
  items: names.map((bucket) => ({ bucket, exists: true, access: 'public' })),
});

/** Every event handed to the sink, batch by batch. */
export function collectingSink(): {
  batches: RectifyEvent[][];
  sink: (events: RectifyEvent[]) => Promise<unknown>;
} {
  const batches: RectifyEvent[][] = [];
  return {
    batches,
    sink: (events) => {
      batches.push(events);
      return Promise.resolve(events.length);
    },
  };
}

export async function scanAudit(store: Store): Promise<AuditRecord[]> {
  const records = await store.transaction((tx) => tx.auditRecords(0, 10_000));
  return records.filter((r) => r.kind.startsWith('scan.'));
}

/** A promise the test resolves by hand: a scan that hangs until released. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
