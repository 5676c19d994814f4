import { describe, expect, it } from 'vitest';
import { eventSchema } from '../../../src/core/model/event.js';
import { cloudEventsAdapter } from '../../../src/sources/adapters/cloudevents.js';
import { delivery, fixture, payloadError, receivedAt } from '../delivery.js';

const structured = 'application/cloudevents+json';
const batch = 'application/cloudevents-batch+json';

describe('cloudevents adapter', () => {
  it('reads structured mode', () => {
    const d = delivery(fixture('cloudevents-structured-json-data.json'), {
      source: 'ce',
      mediaType: structured,
    });
    expect(cloudEventsAdapter.accepts(d)).toBe(true);
    const [event] = cloudEventsAdapter.adapt(d);
    expect(event?.envelope).toEqual({
      id: '/mycontext/C234-1234-1234',
      source: 'ce',
      type: 'com.example.someevent',
      time: '2018-04-05T17:31:00Z',
      severity: 'medium',
      resource: { id: '/mycontext' },
      data: { appinfoA: 'abc', appinfoB: 123, appinfoC: true },
    });
    expect(eventSchema.safeParse(event?.envelope).success).toBe(true);
  });

  it('keeps non-object data as a value, and the subject as the resource', () => {
    const [event] = cloudEventsAdapter.adapt(
      delivery(fixture('cloudevents-structured-spec-example.json'), { mediaType: structured }),
    );
    expect(event?.envelope).toMatchObject({ resource: { id: '123' }, data: { value: '<much wow="xml"/>' } });
  });

  it('reads a batch: one event each, data_base64 kept', () => {
    const events = cloudEventsAdapter.adapt(
      delivery(fixture('cloudevents-batch-two-events.json'), { mediaType: batch }),
    );
    expect(events.map((e) => e.envelope.id)).toEqual([
      '/mycontext/4/B234-1234-1234',
      '/mycontext/9/C234-1234-1234',
    ]);
    expect(events[0]?.envelope.data).toEqual({ data_base64: '... base64 encoded string ...' });
    expect(events.map((e) => e.at)).toEqual(['/0', '/1']);
  });

  it('reads binary mode: ce-* headers and the body as data', () => {
    const d = delivery(
      { appinfoA: 'abc' },
      {
        mediaType: 'application/json',
        headers: {
          'ce-specversion': '1.0',
          'ce-type': 'com.example.someevent',
          'ce-source': '/mycontext',
          'ce-id': 'C234-1234-1234',
          'ce-subject': 'bucket-1',
          'ce-priority': 'Critical',
        },
      },
    );
    expect(cloudEventsAdapter.accepts(d)).toBe(true);
    const [event] = cloudEventsAdapter.adapt(d);
    expect(event?.envelope).toEqual({
      id: '/mycontext/C234-1234-1234',
      source: 'test-source',
      type: 'com.example.someevent',
      time: new Date(receivedAt).toISOString(),
      severity: 'critical',
      resource: { id: 'bucket-1' },
      data: { appinfoA: 'abc' },
    });
  });

  it('refuses what is not CloudEvents 1.0, naming the attribute', () => {
    expect(cloudEventsAdapter.accepts(delivery({}, { mediaType: 'application/json' }))).toBe(false);
    const noType = { specversion: '1.0', id: '1', source: '/x' };
    expect(
      payloadError(() => cloudEventsAdapter.adapt(delivery(noType, { mediaType: structured }))).field,
    ).toBe('/type');
    const old = { ...noType, type: 't', specversion: '0.3' };
    expect(payloadError(() => cloudEventsAdapter.adapt(delivery(old, { mediaType: structured }))).field).toBe(
      '/specversion',
    );
    expect(payloadError(() => cloudEventsAdapter.adapt(delivery([noType], { mediaType: batch }))).field).toBe(
      '/0/type',
    );
    const binary = delivery('{}', {
      headers: { 'ce-specversion': '1.0', 'ce-type': 't', 'ce-source': '/x' },
    });
    expect(payloadError(() => cloudEventsAdapter.adapt(binary)).field).toBe('header:ce-id');
  });
});
