import type { AdaptedEvent, FormatAdapter, SourceDelivery } from './adapter.js';
import { acceptsJson, jsonItems, ownSource } from './json-batch.js';
import type { EventMapping } from './event-mapping.js';
import { pointer } from './payload-error.js';
import { requireObject } from './read-fields.js';

/**
 * The `generic` format: the body is an event envelope, or a JSON array of them. With the
 * source's `mapping`, each item is any JSON object and the envelope is built from it (see
 * `compileMapping`).
 * @example
 * genericAdapter().adapt(delivery) // [{ envelope: { id, source, type, ... }, at: '', ... }]
 * genericAdapter(compileMapping('scanner', { id: 'body.alert.id', type: '"secret.leaked"' }))
 */
export function genericAdapter(mapping?: EventMapping): FormatAdapter {
  return {
    format: 'generic',
    mediaTypes: ['application/json'],
    accepts: acceptsJson,
    adapt: (delivery: SourceDelivery): AdaptedEvent[] =>
      jsonItems(delivery).map(({ item, path }) => {
        const at = pointer(path);
        const body = requireObject(item, path);
        if (mapping)
          return { envelope: mapping.apply(body, delivery, at), original: body, at, verbatim: false };
        const envelope = { ...body, source: ownSource(body.source, delivery.source, at) };
        return { envelope, original: body, at, verbatim: true };
      }),
  };
}
