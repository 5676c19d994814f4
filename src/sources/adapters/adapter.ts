import type { SourceConfig } from '../../core/model/config.js';

/** A webhook source of the config (`type: webhook`). */
export type WebhookSource = Extract<SourceConfig, { type: 'webhook' }>;
export type SourceFormat = WebhookSource['format'];

/** One HTTP delivery to a source, authenticated already. */
export interface SourceDelivery {
  /** The source's name: every envelope's `source`, whatever the payload says. */
  readonly source: string;
  /** The media type, lower case, without parameters (`application/json`); '' when absent. */
  readonly mediaType: string;
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body, exactly as received (HMAC is computed over it). */
  readonly body: Buffer;
  /** When the delivery arrived (ms since the epoch): the time of events that carry none. */
  readonly receivedAt: number;
}

/** One event an adapter made, before it is validated as an envelope. */
export interface AdaptedEvent {
  readonly envelope: Record<string, unknown>;
  /** What the envelope was made from (one alert, one finding, the whole item): kept for audit. */
  readonly original: unknown;
  /** JSON pointer to `original` in the body ('' for the whole body). */
  readonly at: string;
  /**
   * True when the envelope IS the value at `at` (generic format without mapping): an invalid
   * envelope field is then reported at its own pointer (`/1/resource/id`).
   */
  readonly verbatim: boolean;
}

/**
 * Turns a source's own payload (an Alertmanager webhook, a CloudEvent, ...) into event envelopes.
 * One adapter per format, in its own file; `adapterFor` picks it.
 * @example
 * if (!alertmanagerAdapter.accepts(delivery)) throw unsupportedMediaType(alertmanagerAdapter)
 * const events = alertmanagerAdapter.adapt(delivery) // throws PayloadError naming the field
 */
export interface FormatAdapter {
  readonly format: SourceFormat;
  /** Media types the adapter reads, for the 415 answer. */
  readonly mediaTypes: readonly string[];
  /** Whether the delivery's content type (and, for CloudEvents binary mode, headers) fits. */
  accepts(delivery: SourceDelivery): boolean;
  /** Throws `PayloadError` on a payload that is not of the format. */
  adapt(delivery: SourceDelivery): AdaptedEvent[];
}

/** At most this many events per delivery: a bigger batch is refused whole (400). */
export const maxEventsPerDelivery = 1000;
