import type { AdaptedEvent, FormatAdapter, WebhookSource } from './adapters/adapter.js';
import { PayloadError } from './adapters/payload-error.js';
import { authenticateSource, secretReferenceOf } from './auth/authenticate-source.js';
import type { ReplayCache } from './auth/replay-cache.js';
import { DeliveryRefused } from './delivery-refused.js';
import { assertEnvelopes } from './validate-envelopes.js';

/** A webhook source of the config with its adapter (undefined: a format this build cannot read). */
export interface ReceivingSource {
  readonly source: WebhookSource;
  readonly adapter: FormatAdapter | undefined;
}

export interface ReceiveDependencies {
  /** Resolves a secret reference; throws when it cannot (unset variable, unreadable file). */
  readonly resolveSecret: (reference: string) => string;
  readonly now: number;
  readonly replays: ReplayCache;
}

/**
 * The path of one delivery up to the store: resolve the source's secret (503), authenticate
 * (401), pick the adapter (501), check the content type (415), adapt (400) and validate every
 * envelope (400). Returns the events to ingest; stores nothing. Throws `DeliveryRefused`.
 * @example
 * const events = receiveDelivery(entry, { headers: request.headers, body }, { resolveSecret, now, replays })
 * await engine.ingestBatch(events.map((e) => e.envelope), events.map((e) => e.original))
 */
export function receiveDelivery(
  entry: ReceivingSource,
  request: {
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    readonly body: Buffer;
  },
  deps: ReceiveDependencies,
): AdaptedEvent[] {
  const { source, adapter } = entry;
  const reference = secretReferenceOf(source);
  let secret: string | undefined;
  if (reference !== undefined) {
    try {
      secret = deps.resolveSecret(reference);
    } catch {
      throw new DeliveryRefused(
        503,
        'Source Unavailable',
        'secret-unavailable',
        `the secret ${reference} of source ${source.name} cannot be resolved on the server: set it, then send again`,
      );
    }
  }
  const verdict = authenticateSource(source, secret, request, deps.now, deps.replays);
  if (!verdict.ok) throw new DeliveryRefused(401, 'Unauthorized', verdict.reason, verdict.detail);
  if (!adapter)
    throw new DeliveryRefused(
      501,
      'Not Implemented',
      'format-not-supported',
      `format ${source.format} (source ${source.name}) is not supported by this build: use generic, alertmanager, cloudevents or aws-eventbridge`,
    );
  const contentType = request.headers['content-type'];
  const delivery = {
    source: source.name,
    mediaType: mediaTypeOf(Array.isArray(contentType) ? contentType[0] : contentType),
    headers: request.headers,
    body: request.body,
    receivedAt: deps.now,
  };
  if (!adapter.accepts(delivery))
    throw new DeliveryRefused(
      415,
      'Unsupported Media Type',
      'unsupported-media-type',
      `${delivery.mediaType ? `Content-Type ${delivery.mediaType} is` : 'a Content-Type is needed and'} not read by format ${source.format}: send ${adapter.mediaTypes.join(', or ')}`,
    );
  try {
    const events = adapter.adapt(delivery);
    assertEnvelopes(events);
    return events;
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    const field = error.field === '' ? '/' : error.field;
    throw new DeliveryRefused(400, 'Bad Request', error.reason, `${field}: ${error.detail}`, field);
  }
}

/** `application/json; charset=utf-8` -> `application/json`. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
