import { afterEach, describe, expect, it } from 'vitest';
import { signatureHeader, timestampHeader, verifyWebhook } from '../../src/notify/webhook-signature.js';
import { outbox } from './outbox-harness.js';
import { deadAddress, httpReceiver, nth } from './receivers.js';

const secret = 'whsec-0123456789abcdef';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

const channel = (url: string) => ({
  name: 'soc-hook',
  type: 'webhook' as const,
  url,
  secret: 'env:HOOK_SECRET',
});

describe('webhook channel', () => {
  it('signs the JSON body with HMAC-SHA256 over timestamp and body, which the receiver verifies', async () => {
    const receiver = await httpReceiver();
    cleanup.push(receiver.close);
    const o = outbox([channel(`${receiver.base}/hook`)], { 'env:HOOK_SECRET': secret });
    cleanup.push(o.close);
    const id = await o.enqueue('soc-hook');
    await o.notifier.drain();

    const request = nth(receiver.received, 0);
    const timestamp = request.headers[timestampHeader.toLowerCase()] as string;
    const signature = request.headers[signatureHeader.toLowerCase()] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(Number(timestamp)).toBe(Math.floor(o.clock.now() / 1000));
    expect(request.headers['x-rectify-delivery']).toBe(String(id));
    expect(verifyWebhook(secret, timestamp, signature, request.body, o.clock.now() / 1000)).toBe(true);
    // A body changed in transit, another secret, or a replay much later do not verify.
    expect(
      verifyWebhook(
        secret,
        timestamp,
        signature,
        request.body.replace('failed', 'succeeded'),
        o.clock.now() / 1000,
      ),
    ).toBe(false);
    expect(verifyWebhook('another-secret', timestamp, signature, request.body, o.clock.now() / 1000)).toBe(
      false,
    );
    expect(verifyWebhook(secret, timestamp, signature, request.body, o.clock.now() / 1000 + 3600)).toBe(
      false,
    );
    expect(JSON.parse(request.body)).toMatchObject({
      type: 'rectify.notification',
      id,
      channel: 'soc-hook',
      runId: 'run_test_1',
      workflow: 'close-bucket',
      outcome: 'failed',
      resource: 'sandbox://bucket/demo-reports',
      stepsDone: ['snapshot-acl', 'close'],
      link: 'https://rectify.example/v1/runs/run_test_1',
    });
    expect(request.body).not.toContain(secret);
    expect((await o.row(id)).status).toBe('delivered');
  });

  it('retries after a 500 with backoff and records both attempts', async () => {
    let answers = 0;
    const receiver = await httpReceiver((_request, response) => {
      answers++;
      response.writeHead(answers === 1 ? 500 : 200).end(answers === 1 ? 'upstream broke' : 'ok');
    });
    cleanup.push(receiver.close);
    const o = outbox([channel(`${receiver.base}/hook`)], { 'env:HOOK_SECRET': secret });
    cleanup.push(o.close);
    const id = await o.enqueue('soc-hook');

    await o.notifier.drain();
    const failed = await o.row(id);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'webhook: answered 500 upstream broke',
    });
    expect(failed.nextAttemptAt).toBe(o.clock.now() + 5_000);
    // Not due yet: nothing is sent.
    expect(await o.notifier.drain()).toBe(0);

    o.clock.advance(5_000);
    expect(await o.notifier.drain()).toBe(1);
    expect(await o.row(id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(receiver.received).toHaveLength(2);
    const audit = await o.audit();
    expect(audit.map((r) => r.kind)).toEqual(['notification.failed', 'notification.delivered']);
    expect(audit[0]?.data).toMatchObject({
      attempt: 1,
      final: false,
      error: 'webhook: answered 500 upstream broke',
    });
    expect(audit[1]?.data).toMatchObject({ attempt: 2 });
    expect(o.results.map((r) => r.result)).toEqual(['failed', 'delivered']);
  });

  it('records a receiver that is down, retries with doubling delays, then gives up (dead)', async () => {
    const base = await deadAddress();
    const o = outbox(
      [channel(`${base}/hook?token=abcdef0123456789`)],
      { 'env:HOOK_SECRET': secret },
      {
        retry: { maxAttempts: 3, initialMs: 1_000, maxMs: 1_500 },
      },
    );
    cleanup.push(o.close);
    const id = await o.enqueue('soc-hook');

    await o.notifier.drain();
    let row = await o.row(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toContain('ECONNREFUSED');
    expect(row.nextAttemptAt).toBe(o.clock.now() + 1_000);

    o.clock.advance(1_000);
    await o.notifier.drain();
    row = await o.row(id);
    // Capped: 2 s would exceed maxMs.
    expect(row).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: o.clock.now() + 1_500 });

    o.clock.advance(1_500);
    await o.notifier.drain();
    row = await o.row(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 3, nextAttemptAt: null });
    const audit = await o.audit();
    expect(audit.at(-1)?.data).toMatchObject({ final: true, retryAt: null });
    const everything = JSON.stringify({ row, audit, errors: o.errors.map((e) => e.message) });
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('abcdef0123456789');
  });

  it('abandons a receiver that does not answer within the timeout, and retries later', async () => {
    const receiver = await httpReceiver(() => undefined); // never answers
    cleanup.push(receiver.close);
    const o = outbox([channel(`${receiver.base}/hook`)], { 'env:HOOK_SECRET': secret }, { timeoutMs: 200 });
    cleanup.push(o.close);
    const id = await o.enqueue('soc-hook');
    await o.notifier.drain();
    expect(await o.row(id)).toMatchObject({
      status: 'failed',
      lastError: 'webhook: no answer within 200 ms',
    });
  });

  it('gives up at once on a 404 (the URL is wrong) and says how to fix it', async () => {
    const receiver = await httpReceiver((_request, response) => response.writeHead(404).end('no_service'));
    cleanup.push(receiver.close);
    const o = outbox([channel(`${receiver.base}/hook`)], { 'env:HOOK_SECRET': secret });
    cleanup.push(o.close);
    const id = await o.enqueue('soc-hook');
    await o.notifier.drain();
    const row = await o.row(id);
    expect(row.status).toBe('dead');
    expect(row.lastError).toContain('check the channel URL in rectify.yaml');
  });

  it('a secret that cannot be resolved fails the attempt naming the reference, and a channel missing from the config is dead', async () => {
    const receiver = await httpReceiver();
    cleanup.push(receiver.close);
    const o = outbox([channel(`${receiver.base}/hook`)], {});
    cleanup.push(o.close);
    const first = await o.enqueue('soc-hook');
    const second = await o.enqueue('nowhere');
    await o.notifier.drain();
    expect(await o.row(first)).toMatchObject({ status: 'failed' });
    expect((await o.row(first)).lastError).toContain('secret env:HOOK_SECRET could not be resolved');
    expect(await o.row(second)).toMatchObject({ status: 'dead' });
    expect((await o.row(second)).lastError).toContain('channel nowhere is not configured');
    expect(receiver.received).toHaveLength(0);
  });
});
