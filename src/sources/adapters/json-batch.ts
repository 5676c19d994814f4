import { maxEventsPerDelivery, type SourceDelivery } from './adapter.js';
import { isJsonMediaType, parseJsonBody } from './parse-json.js';
import { PayloadError } from './payload-error.js';

/**
 * The items of a JSON body: one document, or a JSON array of them (a batch), each with its index.
 * @example jsonItems(delivery) // [{ item: {...}, path: [0] }, { item: {...}, path: [1] }]
 */
export function jsonItems(delivery: SourceDelivery): { item: unknown; path: (string | number)[] }[] {
  const body = parseJsonBody(delivery.body);
  if (!Array.isArray(body)) return [{ item: body, path: [] }];
  if (body.length === 0) throw new PayloadError('', 'the batch is empty: send at least one event');
  if (body.length > maxEventsPerDelivery)
    throw new PayloadError(
      '',
      `the batch has ${body.length} events; at most ${maxEventsPerDelivery} per request`,
    );
  return body.map((item: unknown, index) => ({ item, path: [index] }));
}

/** The `accepts` of adapters that read JSON only. */
export function acceptsJson(delivery: SourceDelivery): boolean {
  return isJsonMediaType(delivery.mediaType);
}

/**
 * Every envelope's `source` is the source it was posted to: a sender holding one source's secret
 * must not speak for another (whose workflows may act on more). Absent: filled in; another: 400.
 */
export function ownSource(value: unknown, source: string, at: string): string {
  if (value === undefined || value === source) return source;
  throw new PayloadError(
    `${at}/source`,
    `must be "${source}", the source this was posted to (or be left out, and it is filled in)`,
  );
}
