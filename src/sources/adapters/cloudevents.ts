import type { AdaptedEvent, FormatAdapter, SourceDelivery } from './adapter.js';
import { maxEventsPerDelivery } from './adapter.js';
import { isJsonMediaType, parseJsonBody } from './parse-json.js';
import { PayloadError, pointer } from './payload-error.js';
import {
  isRecord,
  optionalString,
  requireObject,
  requireString,
  requireTime,
  type Path,
} from './read-fields.js';
import { severityOf } from './severity.js';

const structured = 'application/cloudevents+json';
const batch = 'application/cloudevents-batch+json';
/** Context attributes of CloudEvents 1.0; any other top-level member is an extension. */
const contextAttributes = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'data',
  'data_base64',
]);

/**
 * The `cloudevents` format (CloudEvents 1.0 over HTTP): structured mode
 * (`application/cloudevents+json`), batch mode (`application/cloudevents-batch+json`, a JSON
 * array), and binary mode (attributes in `ce-*` headers, the data as the body, any content type).
 *
 * - `id`: `<ce source>/<ce id>` (a CloudEvent id is unique within its source only);
 * - `type`, `time` (absent: the time of receipt); `resource.id`: `subject`, else the ce source;
 * - `severity`: the extension `severity`, else `priority` (as Falco's), else medium;
 * - `data`: the event's data when it is a JSON object; otherwise `{ value }` (JSON or text) or
 *   `{ data_base64 }`. The whole CloudEvent is kept as the original.
 *
 * @example cloudEventsAdapter.adapt(delivery) // a batch of 2 -> 2 events
 */
export const cloudEventsAdapter: FormatAdapter = {
  format: 'cloudevents',
  mediaTypes: [structured, batch, 'any, with ce-specversion and the other ce-* headers (binary mode)'],
  accepts: (delivery) =>
    delivery.mediaType === structured ||
    delivery.mediaType === batch ||
    header(delivery, 'ce-specversion') !== undefined,
  adapt(delivery: SourceDelivery): AdaptedEvent[] {
    if (delivery.mediaType === structured)
      return [fromStructured(parseJsonBody(delivery.body), [], delivery)];
    if (delivery.mediaType === batch) {
      const body = parseJsonBody(delivery.body);
      if (!Array.isArray(body)) throw new PayloadError('', 'a CloudEvents batch must be a JSON array');
      if (body.length === 0) throw new PayloadError('', 'the batch is empty: send at least one event');
      if (body.length > maxEventsPerDelivery)
        throw new PayloadError(
          '',
          `the batch has ${body.length} events; at most ${maxEventsPerDelivery} per request`,
        );
      return body.map((item: unknown, index) => fromStructured(item, [index], delivery));
    }
    return [fromBinary(delivery)];
  },
};

function fromStructured(value: unknown, path: Path, delivery: SourceDelivery): AdaptedEvent {
  const event = requireObject(value, path);
  const field = (name: string): Path => [...path, name];
  const attributes = {
    specversion: requireString(event.specversion, field('specversion')),
    id: requireString(event.id, field('id')),
    source: requireString(event.source, field('source')),
    type: requireString(event.type, field('type')),
    subject: optionalString(event.subject, field('subject')),
    time:
      event.time === undefined || event.time === null ? undefined : requireTime(event.time, field('time')),
  };
  checkVersion(attributes.specversion, pointer(field('specversion')));
  const extensions = Object.fromEntries(Object.entries(event).filter(([key]) => !contextAttributes.has(key)));
  const data =
    event.data_base64 !== undefined
      ? { data_base64: requireString(event.data_base64, field('data_base64')) }
      : wrapData(event.data);
  return envelopeOf(attributes, extensions, data, event, pointer(path), delivery);
}

function fromBinary(delivery: SourceDelivery): AdaptedEvent {
  const attribute = (name: string, required: boolean): string | undefined => {
    const value = header(delivery, `ce-${name}`);
    if (required && (value === undefined || value === ''))
      throw new PayloadError(`header:ce-${name}`, `is required in binary mode (CloudEvents 1.0)`);
    return value === '' ? undefined : value;
  };
  const specversion = attribute('specversion', true) ?? '';
  checkVersion(specversion, 'header:ce-specversion');
  const time = attribute('time', false);
  if (time !== undefined) requireTimeHeader(time);
  const attributes = {
    specversion,
    id: attribute('id', true) ?? '',
    source: attribute('source', true) ?? '',
    type: attribute('type', true) ?? '',
    subject: attribute('subject', false),
    time,
  };
  const extensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(delivery.headers)) {
    const key = name.slice(3);
    if (name.startsWith('ce-') && typeof value === 'string' && !contextAttributes.has(key))
      extensions[key] = value;
  }
  let data: Record<string, unknown>;
  if (delivery.body.length === 0) data = {};
  else if (isJsonMediaType(delivery.mediaType)) data = wrapData(parseJsonBody(delivery.body));
  else if (delivery.mediaType.startsWith('text/')) data = { value: delivery.body.toString('utf8') };
  else data = { data_base64: delivery.body.toString('base64') };
  const original = { ...attributes, ...extensions, datacontenttype: delivery.mediaType || undefined, data };
  return envelopeOf(attributes, extensions, data, original, '', delivery);
}

interface Attributes {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string | undefined;
  readonly time: string | undefined;
}

function envelopeOf(
  attributes: Attributes,
  extensions: Record<string, unknown>,
  data: Record<string, unknown>,
  original: unknown,
  at: string,
  delivery: SourceDelivery,
): AdaptedEvent {
  return {
    envelope: {
      id: `${attributes.source}/${attributes.id}`,
      source: delivery.source,
      type: attributes.type,
      time: attributes.time ?? new Date(delivery.receivedAt).toISOString(),
      severity: severityOf(extensions.severity) ?? severityOf(extensions.priority) ?? 'medium',
      resource: { id: attributes.subject ?? attributes.source },
      data,
    },
    original,
    at,
    verbatim: false,
  };
}

function wrapData(data: unknown): Record<string, unknown> {
  if (data === undefined || data === null) return {};
  return isRecord(data) ? data : { value: data };
}

function checkVersion(version: string, field: string): void {
  if (version !== '1.0') throw new PayloadError(field, 'must be "1.0": only CloudEvents 1.0 is read');
}

function requireTimeHeader(time: string): void {
  try {
    requireTime(time, []);
  } catch {
    throw new PayloadError('header:ce-time', 'must be an RFC 3339 time, e.g. 2026-11-27T10:00:00Z');
  }
}

function header(delivery: SourceDelivery, name: string): string | undefined {
  const value = delivery.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
