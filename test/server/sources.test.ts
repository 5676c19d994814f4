import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bucketEvent, canaries, pgWorkflow, type ServerHarness } from './harness.js';
import { nth } from '../sources/delivery.js';
import {
  post,
  rejections,
  signed,
  sourcesHarness,
  sourceToken,
  storeCounts,
} from '../sources/route-harness.js';

const json = { 'content-type': 'application/json' };
let h: ServerHarness;
let nowSeconds: number;

beforeEach(async () => {
  h = await sourcesHarness({ bodyLimit: 4096 });
  nowSeconds = Math.floor(h.clock.now() / 1000);
});
afterEach(async () => {
  await h.close();
});

describe('POST /v1/sources/:name/events: refusals', () => {
  const event = JSON.stringify(bucketEvent(pgWorkflow, 'evt-1'));
  const cases: {
    name: string;
    source: string;
    payload: () => string;
    headers: () => Record<string, string>;
    status: number;
    reason: string;
  }[] = [
    {
      name: 'missing auth header',
      source: 'sandbox',
      payload: () => event,
      headers: () => json,
      status: 401,
      reason: 'missing-authorization',
    },
    {
      name: 'wrong token',
      source: 'sandbox',
      payload: () => event,
      headers: () => ({ ...json, authorization: 'Bearer not-the-token' }),
      status: 401,
      reason: 'bad-token',
    },
    {
      name: 'bad signature',
      source: 'signed',
      payload: () => event.replace('evt-1', 'evt-2'),
      headers: () => signed(event, nowSeconds),
      status: 401,
      reason: 'bad-signature',
    },
    {
      name: 'signature with another secret',
      source: 'signed',
      payload: () => event,
      headers: () => signed(event, nowSeconds, 'not-the-secret'),
      status: 401,
      reason: 'bad-signature',
    },
    {
      name: 'stale timestamp',
      source: 'signed',
      payload: () => event,
      headers: () => signed(event, nowSeconds - 6 * 60),
      status: 401,
      reason: 'stale-timestamp',
    },
    {
      name: 'missing timestamp',
      source: 'signed',
      payload: () => event,
      headers: () => {
        const headers = signed(event, nowSeconds);
        delete headers['x-rectify-timestamp'];
        return headers;
      },
      status: 401,
      reason: 'missing-timestamp',
    },
    {
      name: 'oversized body',
      source: 'sandbox',
      payload: () => 'x'.repeat(5000),
      headers: () => ({ ...json, ...sourceToken }),
      status: 413,
      reason: 'body-too-large',
    },
    {
      name: 'malformed JSON',
      source: 'sandbox',
      payload: () => '{"id": "evt-1",',
      headers: () => ({ ...json, ...sourceToken }),
      status: 400,
      reason: 'malformed-json',
    },
    {
      name: 'wrong content type',
      source: 'sandbox',
      payload: () => event,
      headers: () => ({ 'content-type': 'text/plain', ...sourceToken }),
      status: 415,
      reason: 'unsupported-media-type',
    },
    {
      name: 'no content type',
      source: 'sandbox',
      payload: () => event,
      headers: () => sourceToken,
      status: 415,
      reason: 'unsupported-media-type',
    },
    {
      name: 'invalid envelope',
      source: 'sandbox',
      payload: () =>
        JSON.stringify([
          bucketEvent(pgWorkflow, 'ok-1'),
          { ...bucketEvent(pgWorkflow, 'bad'), time: 'noon' },
        ]),
      headers: () => ({ ...json, ...sourceToken }),
      status: 400,
      reason: 'malformed-payload',
    },
    {
      name: 'an envelope of another source',
      source: 'sandbox',
      payload: () => JSON.stringify({ ...bucketEvent(pgWorkflow, 'x'), source: 'secret-scanner' }),
      headers: () => ({ ...json, ...sourceToken }),
      status: 400,
      reason: 'malformed-payload',
    },
    {
      name: 'unresolvable secret',
      source: 'unset',
      payload: () => event,
      headers: () => ({ ...json, ...sourceToken }),
      status: 503,
      reason: 'secret-unavailable',
    },
    {
      name: 'format not in this build',
      source: 'falco',
      payload: () => '{}',
      headers: () => ({ ...json, ...sourceToken }),
      status: 501,
      reason: 'format-not-supported',
    },
  ];

  for (const c of cases)
    it(`${c.name}: ${c.status} problem details, audited, nothing else stored`, async () => {
      const before = await storeCounts(h.store);
      const response = await post(h, c.source, c.payload(), c.headers());
      expect(response.statusCode).toBe(c.status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.json<Record<string, unknown>>();
      expect(problem).toMatchObject({ status: c.status, detail: expect.any(String) as string });
      expect(problem.stack).toBeUndefined();
      const after = await storeCounts(h.store);
      expect(after).toEqual({ ...before, rejected: before.rejected + 1, audit: before.audit + 1 });
      const [record] = (await rejections(h.store)).slice(-1);
      expect(record).toMatchObject({ source: c.source, status: c.status, reason: c.reason });
      const everything = JSON.stringify([response.body, await rejections(h.store), h.logs]);
      for (const secret of [canaries.SOURCE_TOKEN, canaries.HMAC_SECRET])
        expect(everything).not.toContain(secret);
      const signature = c.headers()['x-signature'];
      if (signature) expect(everything).not.toContain(signature.slice(7));
    });

  it('a 400 names the field at fault as a JSON pointer', async () => {
    const response = await post(h, 'sandbox', nth(cases, 10).payload(), { ...json, ...sourceToken });
    expect(response.json()).toMatchObject({ field: '/1/time', reason: 'malformed-payload' });
  });

  it('the 503 names the reference, not a value', async () => {
    const response = await post(h, 'unset', '{}', { ...json, ...sourceToken });
    expect(response.json<{ detail: string }>().detail).toContain('env:CANARY_NEVER_SET');
  });

  it('a replayed signed request: the first is accepted, the replay is 401 replayed and stores nothing', async () => {
    const event = JSON.stringify({ ...bucketEvent(pgWorkflow, 'evt-r'), source: 'signed' });
    const headers = signed(event, nowSeconds);
    const first = await post(h, 'signed', event, headers);
    expect(first.statusCode).toBe(202);
    const before = await storeCounts(h.store);
    const replay = await post(h, 'signed', event, headers);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ reason: 'replayed' });
    expect(await storeCounts(h.store)).toEqual({
      ...before,
      rejected: before.rejected + 1,
      audit: before.audit + 1,
    });
  });

  it('an unknown source is 404, and stores nothing', async () => {
    const before = await storeCounts(h.store);
    const response = await post(h, 'nope', event, { ...json, ...sourceToken });
    expect(response.statusCode).toBe(404);
    expect(await storeCounts(h.store)).toEqual(before);
  });
});

describe('POST /v1/sources/:name/events: accepted', () => {
  it('answers 202 with each event, its status and runs; a second delivery is a duplicate', async () => {
    const body = JSON.stringify(bucketEvent(pgWorkflow, 'evt-1'));
    const response = await post(h, 'sandbox', body, { ...json, ...sourceToken });
    expect(response.statusCode).toBe(202);
    const result = response.json<{ events: { status: string; seq: number; runs: { runId: string }[] }[] }>();
    expect(result).toMatchObject({ source: 'sandbox', accepted: 1, duplicates: 0 });
    expect(result.events[0]).toMatchObject({ id: 'evt-1', status: 'accepted', seq: 1 });
    expect(result.events[0]?.runs).toHaveLength(1);
    const again = await post(h, 'sandbox', body, {
      'content-type': 'application/json; charset=utf-8',
      ...sourceToken,
    });
    expect(again.json()).toMatchObject({
      accepted: 0,
      duplicates: 1,
      events: [{ status: 'duplicate', seq: 1 }],
    });
  });

  it('accepts a correctly signed request to an HMAC source', async () => {
    const body = JSON.stringify({ ...bucketEvent(pgWorkflow, 'evt-s'), source: undefined });
    const response = await post(h, 'signed', body, signed(body, nowSeconds - 60));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ source: 'signed', accepted: 1 });
  });

  it('sends the 202 only once the events are durable', async () => {
    const ingest = h.engine.ingestBatch.bind(h.engine);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.engine.ingestBatch = async (events, originals) => {
      await gate;
      return ingest(events, originals);
    };
    let answered = false;
    const pending = post(h, 'sandbox', JSON.stringify(bucketEvent(pgWorkflow, 'evt-d')), {
      ...json,
      ...sourceToken,
    }).then((response) => {
      answered = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    release();
    const response = await pending;
    expect(response.statusCode).toBe(202);
    const { seq } = nth(response.json<{ events: { seq: number }[] }>().events, 0);
    const stored = await h.store.transaction((tx) => tx.getEvent(seq));
    expect(stored?.id).toBe('evt-d');
  });

  it('a store that fails: 500 with no internals, never a 202', async () => {
    h.engine.ingestBatch = () => Promise.reject(new Error('disk I/O error at /var/lib/secret-path'));
    const response = await post(h, 'sandbox', JSON.stringify(bucketEvent(pgWorkflow, 'e')), {
      ...json,
      ...sourceToken,
    });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret-path');
  });
});
