import { describe, expect, it } from 'vitest';
import { eventSchema } from '../../../src/core/model/event.js';
import { alertmanagerAdapter } from '../../../src/sources/adapters/alertmanager.js';
import { delivery, exampleEvent, fixture, payloadError } from '../delivery.js';

const adapt = (body: unknown, source = 'alertmanager') =>
  alertmanagerAdapter.adapt(delivery(body, { source }));

describe('alertmanager adapter', () => {
  it('makes the example webhook into exactly the example event (pg-cap-role-connections)', () => {
    const [event, ...rest] = adapt(exampleEvent('alertmanager-webhook.json'));
    expect(rest).toHaveLength(0);
    expect(event?.envelope).toEqual(JSON.parse(exampleEvent('pg-cap-role-connections.json').toString()));
    expect(eventSchema.safeParse(event?.envelope).success).toBe(true);
  });

  it('makes one event per alert (3 alerts, old Alertmanager without fingerprints)', () => {
    const events = adapt(fixture('alertmanager-firing-3-alerts-icmp.json'));
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.envelope.id)).size).toBe(3);
    for (const [index, event] of events.entries()) {
      expect(event.at).toBe(`/alerts/${index}`);
      expect(eventSchema.safeParse(event.envelope).success).toBe(true);
      expect(event.envelope.id).toMatch(/^[0-9a-f]{16}:/);
    }
  });

  it('gives a resolved alert a new id, its endsAt as time, and a k8s resource with the namespace', () => {
    const [event] = adapt(fixture('alertmanager-resolved-k8s-deployment.json'));
    expect(event?.envelope).toMatchObject({
      id: 'fbab788ec4c1018b:2022-07-29T11:13:27.3Z:resolved',
      type: 'Deployment',
      time: '2022-07-29T11:17:27.3Z',
      severity: 'medium',
      resource: { id: 'eric-eo-cm-ci406/eric-log-transformer', kind: 'k8s.deployment' },
      data: { status: 'resolved' },
    });
  });

  it('takes the status of the group when an alert has none (older shape)', () => {
    const [event] = adapt(fixture('alertmanager-firing-msteams-testdata.json'));
    expect((event?.envelope.data as { status: string }).status).toBe('firing');
    expect(eventSchema.safeParse(event?.envelope).success).toBe(true);
  });

  it('names the field at fault', () => {
    const body = JSON.parse(exampleEvent('alertmanager-webhook.json').toString()) as {
      alerts: Record<string, unknown>[];
    };
    const noAlerts = { ...body, alerts: 'x' };
    expect(payloadError(() => adapt(noAlerts)).field).toBe('/alerts');
    const badTime = { ...body, alerts: [{ ...body.alerts[0], startsAt: 'yesterday' }] };
    expect(payloadError(() => adapt(badTime)).field).toBe('/alerts/0/startsAt');
    const noName = { ...body, alerts: [body.alerts[0], { ...body.alerts[0], labels: { instance: 'x' } }] };
    expect(payloadError(() => adapt(noName)).field).toBe('/alerts/1/labels/alertname');
    expect(payloadError(() => adapt({ ...body, version: '3' })).field).toBe('/version');
    expect(payloadError(() => adapt('{"alerts": [')).reason).toBe('malformed-json');
  });
});
