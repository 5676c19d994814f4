import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerHarness } from './harness.js';
import { exampleEvent, fixture, nth } from '../sources/delivery.js';
import { post, sourcesHarness, sourceToken, storeCounts } from '../sources/route-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await sourcesHarness();
});
afterAll(async () => {
  await h.close();
});

interface Answer {
  accepted: number;
  events: { id: string; status: string; seq: number }[];
}

async function deliver(
  source: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<Answer> {
  const before = await storeCounts(h.store);
  const response = await post(h, source, body, { ...sourceToken, ...headers });
  expect(response.statusCode, response.body).toBe(202);
  const answer = response.json<Answer>();
  expect((await storeCounts(h.store)).events).toBe(before.events + answer.accepted);
  return answer;
}

async function stored(seq: number): Promise<{ source: string; id: string; type: string; original: unknown }> {
  const event = await h.store.transaction((tx) => tx.getEvent(seq));
  if (!event) throw new Error(`no event #${seq}`);
  return event;
}

describe('webhook formats, end to end through the route', () => {
  it('alertmanager: a webhook with 2 alerts is 2 events, each with its alert as the original', async () => {
    const webhook = JSON.parse(exampleEvent('alertmanager-webhook.json').toString()) as {
      alerts: Record<string, unknown>[];
    };
    const second = {
      ...webhook.alerts[0],
      fingerprint: '0a1b2c3d4e5f6071',
      labels: { alertname: 'Other', job: 'x' },
    };
    const answer = await deliver(
      'alertmanager',
      JSON.stringify({ ...webhook, alerts: [webhook.alerts[0], second] }),
      {
        'content-type': 'application/json',
      },
    );
    expect(answer.accepted).toBe(2);
    expect(answer.events.map((e) => e.id)).toEqual([
      '5c9e3f4a1b2d7e08:2026-11-27T09:58:12.481Z',
      '0a1b2c3d4e5f6071:2026-11-27T09:58:12.481Z',
    ]);
    const first = await stored(nth(answer.events, 0).seq);
    expect(first).toMatchObject({
      source: 'alertmanager',
      type: 'PostgresRoleConnectionsHigh',
      original: webhook.alerts[0],
    });
  });

  it('alertmanager: the real fixtures (3 alerts; resolved)', async () => {
    const three = await deliver('alertmanager', fixture('alertmanager-firing-3-alerts-icmp.json'), {
      'content-type': 'application/json',
    });
    expect(three.accepted).toBe(3);
    const resolved = await deliver('alertmanager', fixture('alertmanager-resolved-k8s-deployment.json'), {
      'content-type': 'application/json',
    });
    expect(resolved.events[0]?.id).toMatch(/:resolved$/);
  });

  it('cloudevents: structured, batch and binary mode', async () => {
    const structured = await deliver('ce', fixture('cloudevents-structured-json-data.json'), {
      'content-type': 'application/cloudevents+json; charset=utf-8',
    });
    expect(structured.events.map((e) => e.id)).toEqual(['/mycontext/C234-1234-1234']);
    const batch = await deliver('ce', fixture('cloudevents-batch-two-events.json'), {
      'content-type': 'application/cloudevents-batch+json',
    });
    expect(batch.accepted).toBe(2);
    const binary = await deliver('ce', '<much wow="xml"/>', {
      'content-type': 'text/xml',
      'ce-specversion': '1.0',
      'ce-type': 'com.github.pull_request.opened',
      'ce-source': 'https://github.com/cloudevents/spec/pull',
      'ce-id': 'A234-1234-1234',
      'ce-subject': '123',
    });
    expect(binary.events[0]?.id).toBe('https://github.com/cloudevents/spec/pull/A234-1234-1234');
    const event = await h.store.transaction((tx) => tx.getEvent(nth(binary.events, 0).seq));
    expect(event?.envelope).toMatchObject({ resource: { id: '123' }, data: { value: '<much wow="xml"/>' } });
  });

  it('cloudevents: plain JSON without ce-* headers is 415', async () => {
    const response = await post(h, 'ce', '{}', { ...sourceToken, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(415);
    expect(response.json<{ detail: string }>().detail).toContain('application/cloudevents+json');
  });

  it('aws-eventbridge: a Security Hub Custom Action event', async () => {
    const answer = await deliver('hub', fixture('aws-securityhub-ec2.2-custom-action-event.json'), {
      'content-type': 'application/json',
    });
    expect(answer.accepted).toBe(1);
    expect((await stored(nth(answer.events, 0).seq)).type).toBe('EC2.2');
  });

  it('generic with a mapping: the envelope is built from the payload', async () => {
    const answer = await deliver(
      'mapped',
      JSON.stringify([
        { uid: 'u-1', thing: 't-1' },
        { uid: 'u-2', thing: 't-2' },
      ]),
      {
        'content-type': 'application/json',
      },
    );
    expect(answer.events.map((e) => e.id)).toEqual(['u-1', 'u-2']);
    const response = await post(h, 'mapped', JSON.stringify([{ uid: 'u-3', thing: 't' }, { thing: 't' }]), {
      ...sourceToken,
      'content-type': 'application/json',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: '/1' });
  });

  it('appears in the OpenAPI document', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(JSON.stringify(response.json())).toContain('/v1/sources/{name}/events');
  });
});
