import { describe, expect, it } from 'vitest';
import { compileMapping, MappingError } from '../../../src/sources/adapters/event-mapping.js';
import { genericAdapter } from '../../../src/sources/adapters/generic.js';
import { assertEnvelopes } from '../../../src/sources/validate-envelopes.js';
import { delivery, exampleEvent, nth, payloadError, receivedAt } from '../delivery.js';

describe('generic adapter', () => {
  it('takes the body as the envelope, or a JSON array as a batch', () => {
    const example = JSON.parse(exampleEvent('sandbox-public-bucket.json').toString()) as Record<
      string,
      unknown
    >;
    const [one] = genericAdapter().adapt(delivery(example, { source: 'sandbox' }));
    expect(one?.envelope).toEqual(example);
    const withoutSource = { ...example };
    delete withoutSource.source;
    const batch = genericAdapter().adapt(
      delivery([withoutSource, { ...example, id: 'x2' }], { source: 'sandbox' }),
    );
    expect(batch.map((e) => [e.envelope.source, e.at])).toEqual([
      ['sandbox', '/0'],
      ['sandbox', '/1'],
    ]);
  });

  it('refuses an envelope that speaks for another source', () => {
    const example = JSON.parse(exampleEvent('pg-lock-leaked-role.json').toString()) as unknown;
    expect(payloadError(() => genericAdapter().adapt(delivery([example], { source: 'sandbox' }))).field).toBe(
      '/0/source',
    );
  });

  it('names an invalid envelope field by its pointer', () => {
    const events = genericAdapter().adapt(
      delivery([{ id: 'a', type: 't', time: '2026-11-27T10:00:00Z', resource: {} }]),
    );
    expect(
      payloadError(() => {
        assertEnvelopes(events);
      }).field,
    ).toBe('/0/resource/id');
    expect(payloadError(() => genericAdapter().adapt(delivery([]))).detail).toMatch(/empty/);
    expect(payloadError(() => genericAdapter().adapt(delivery('[1]'))).field).toBe('/0');
  });

  it('builds the envelope with a CEL mapping over body', () => {
    const mapping = compileMapping('scanner', {
      id: 'body.alert.number',
      type: '"secret.leaked"',
      severity: 'body.alert.validity == "active" ? "critical" : "high"',
      'resource.id': '"postgres://" + body.cluster + "/role/" + body.role',
      'resource.kind': '"postgres.role"',
    });
    const body = { alert: { number: 42, validity: 'active' }, cluster: 'pg-prod-1', role: 'etl_loader' };
    const events = genericAdapter(mapping).adapt(delivery(body, { source: 'scanner' }));
    const event = nth(events, 0);
    expect(event.envelope).toEqual({
      id: '42',
      source: 'scanner',
      type: 'secret.leaked',
      time: new Date(receivedAt).toISOString(),
      severity: 'critical',
      resource: { id: 'postgres://pg-prod-1/role/etl_loader', kind: 'postgres.role' },
      data: body,
    });
    assertEnvelopes([nth(events, 0)]);
    const missing = genericAdapter(mapping).adapt.bind(null, delivery([body, { alert: {} }]));
    const error = payloadError(missing);
    expect(error.field).toBe('/1');
    expect(error.detail).toMatch(/mapping "id"/);
  });

  it('refuses a mapping that cannot work, naming the source and entry', () => {
    expect(() => compileMapping('s', { id: 'body.x', type: '"t"' })).toThrow(/resource.id/);
    expect(() => compileMapping('s', { id: 'body.x', type: '"t"', 'resource.id': 'body.(' })).toThrow(
      /source s: mapping "resource.id"/,
    );
    expect(() =>
      compileMapping('s', { source: '"x"', id: 'body.x', type: '"t"', 'resource.id': '"r"' }),
    ).toThrow(MappingError);
  });
});
