import { createHash } from 'node:crypto';
import type { ActionCatalog } from '../../core/catalog/catalog.js';
import { allowedKeysAt } from '../../core/loader/schema-keys.js';
import type { RectifyEvent } from '../../core/model/event.js';

/**
 * How a scan's output becomes events (docs/scans.md, "From items to events"):
 *
 * - The items: the output's `items` array when it has one (list actions), else the output itself
 *   (a read action scans one resource).
 * - The resource key: the longest `resource` parameter list of the catalog's actions on the same
 *   `<connector>.<resource>` (for `postgres.schema.list`, `postgres.schema.privileges`'s
 *   `[database, schema]`). Each key field is read from the item, or from the scan's `with` when
 *   the item lacks it. An item without a key field (or with one that is not a string, number or
 *   boolean) is skipped and counted, never guessed.
 * - One event per item: `type` the action that reads one such item (`scanEventType`), `resource` = `{ id, kind, ...key fields }`,
 *   `data` the whole item, `severity: info` (a scan observes; the workflow judges).
 * - `resource.id` = `<connector>://<credential>/<resource>/<key values, URL-encoded>`: the
 *   credential names the system the scan reached (`postgres://pg-scanner/schema/analytics/public`).
 * - `id` = a hash of (source, resource id, scan id): a re-delivery of one scan (a retried sink)
 *   is deduplicated by the store, and the next scan emits again.
 */
export interface ScanEventsInput {
  readonly source: string;
  readonly action: string;
  readonly credential: string;
  readonly scanId: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly output: unknown;
  /** The events' type: `scanEventType(catalog, action, keyFields)`. */
  readonly type: string;
  readonly keyFields: readonly string[];
  readonly now: number;
}

export interface ScanEvents {
  readonly items: number;
  readonly events: RectifyEvent[];
  /** Items that named no resource: index and why, for the audit record. */
  readonly skipped: { readonly index: number; readonly reason: string }[];
}

/**
 * The resource key fields of a scan action (see above); empty when the catalog knows none.
 * @example resourceKeyFields(defaultCatalog(), 'postgres.schema.list') // ['database', 'schema']
 */
export function resourceKeyFields(catalog: ActionCatalog, action: string): string[] {
  const family = action.split('.').slice(0, 2).join('.');
  let best: readonly string[] = catalog.get(action)?.resource ?? [];
  for (const definition of catalog.list())
    if (definition.id.startsWith(`${family}.`) && definition.resource.length > best.length)
      best = definition.resource;
  return [...best];
}

/**
 * The type of a scan's events: the catalog's read of ONE item of the list, so that a workflow
 * triggered by a scan and one that reads the same resource speak of the same thing. It is the
 * read action of the same `<connector>.<resource>` whose `resource` parameters are the key fields
 * and whose output has every field of the list's items (`postgres.schema.list` ->
 * `postgres.schema.privileges`, `redis.acl.list` -> `redis.acl.user`). When there is not exactly
 * one such action (`s3.bucket.list`), or the scan is itself a read of one resource, it is the
 * scan action's id.
 * @example scanEventType(defaultCatalog(), 'postgres.role.list', ['role']) // 'postgres.role.get'
 */
export function scanEventType(catalog: ActionCatalog, action: string, keyFields: readonly string[]): string {
  const scan = catalog.get(action);
  if (!scan) return action;
  const itemFields = allowedKeysAt(scan.output, ['items', 0]);
  if (itemFields.length === 0) return action;
  const family = action.split('.').slice(0, 2).join('.');
  const key = [...keyFields].sort().join(',');
  const reads = catalog
    .list()
    .filter(
      (d) =>
        d.id !== action &&
        d.effect === 'read' &&
        d.id.startsWith(`${family}.`) &&
        [...d.resource].sort().join(',') === key &&
        itemFields.every((field) => allowedKeysAt(d.output, []).includes(field)),
    );
  return reads.length === 1 && reads[0] ? reads[0].id : action;
}

/**
 * Turns one scan's output into events.
 * @example
 * scanEvents({ source: 'pg-scan', action: 'postgres.schema.list', type: 'postgres.schema.privileges',
 *   credential: 'pg-scanner', scanId: 's1', params: { database: 'app' }, output: { items: [{ database: 'app', schema: 'public', ... }] },
 *   keyFields: ['database', 'schema'], now }).events[0].resource.id
 * // 'postgres://pg-scanner/schema/app/public'
 */
export function scanEvents(input: ScanEventsInput): ScanEvents {
  const [connector = input.action, resource = ''] = input.action.split('.');
  const output = input.output;
  const list =
    isRecord(output) && Array.isArray(output.items)
      ? (output.items as unknown[])
      : output === undefined
        ? []
        : [output];
  const events: RectifyEvent[] = [];
  const skipped: { index: number; reason: string }[] = [];
  for (const [index, item] of list.entries()) {
    if (!isRecord(item)) {
      skipped.push({ index, reason: 'the item is not an object' });
      continue;
    }
    const key: Record<string, string | number | boolean> = {};
    let missing: string | undefined;
    for (const field of input.keyFields) {
      const value = item[field] ?? input.params[field];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        key[field] = value;
      else missing ??= field;
    }
    if (missing !== undefined || input.keyFields.length === 0) {
      skipped.push({
        index,
        reason:
          missing !== undefined
            ? `no \`${missing}\` (a resource key field) in the item or the scan's \`with\``
            : `the catalog names no resource parameters for ${connector}.${resource}`,
      });
      continue;
    }
    const path = input.keyFields.map((field) => encodeURIComponent(String(key[field]))).join('/');
    const resourceId = `${connector}://${encodeURIComponent(input.credential)}/${resource}/${path}`;
    events.push({
      id: scanEventId(input.source, resourceId, input.scanId),
      source: input.source,
      type: input.type,
      time: new Date(input.now).toISOString(),
      severity: 'info',
      resource: { ...key, id: resourceId, kind: `${connector}.${resource}` },
      data: item,
    });
  }
  return { items: list.length, events, skipped };
}

/** Deterministic, so re-delivering a scan's events is deduplicated on (source, id). */
export function scanEventId(source: string, resourceId: string, scanId: string): string {
  return `scan_${createHash('sha256')
    .update(JSON.stringify([source, resourceId, scanId]))
    .digest('hex')
    .slice(0, 40)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
