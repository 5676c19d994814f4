import { afterEach, describe, expect, it } from 'vitest';
import { startNotifier } from '../../src/notify/notifier.js';
import { bucketEvent, harness, workflow } from '../engine/helpers.js';
import { deadAddress, httpReceiver, nth } from './receivers.js';

const closeBucket = workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: close-bucket, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public] }
  corroborate:
    - check: sandbox.bucket.get
      with: { bucket: "\${{ event.resource.bucket }}" }
      expect: result.access == "public"
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
  verify:
    check: sandbox.bucket.get
    with: { bucket: "\${{ event.resource.bucket }}" }
    expect: result.access == "private"
  notify:
    - channel: slack-secops
      on: [succeeded, failed]
`);

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function setup(slackUrl: string) {
  const h = await harness([closeBucket]);
  const notifier = startNotifier({
    store: h.store,
    channels: [{ name: 'slack-secops', type: 'slack', url: 'env:SLACK_URL' }],
    resolveSecret: () => slackUrl,
    clock: h.clock,
    pollMs: 3_600_000,
    publicUrl: 'http://127.0.0.1:7070',
  });
  cleanup.push(async () => {
    await notifier.stop();
    await h.engine.stop();
    await h.store.close();
  });
  return { h, notifier };
}

describe('notifications from the engine', () => {
  it('a finished run enqueues its notification with the outcome, and the notifier delivers it to Slack', async () => {
    const slack = await httpReceiver();
    cleanup.push(slack.close);
    const { h, notifier } = await setup(`${slack.base}/services/T1/B1/secret`);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const run = nth(await h.runs(), 0);
    expect(run.outcome).toBe('succeeded');

    // Queued in the run's final transaction, next to its audit record.
    const queued = await h.store.transaction((tx) => tx.notifications.listForRun(run.id));
    expect(queued).toMatchObject([
      {
        channel: 'slack-secops',
        outcome: 'succeeded',
        status: 'pending',
        message: {
          runId: run.id,
          workflow: 'close-bucket',
          outcome: 'succeeded',
          resource: 'sandbox://bucket/demo-reports',
          stepsDone: ['close'],
        },
      },
    ]);

    await notifier.drain();
    expect(slack.received).toHaveLength(1);
    const body = JSON.parse(nth(slack.received, 0).body) as { text: string; blocks: unknown[] };
    expect(body.text).toBe('[rectify] close-bucket: succeeded');
    expect(JSON.stringify(body.blocks)).toContain(`http://127.0.0.1:7070/v1/runs/${run.id}`);
    const kinds = (await h.audit()).map((r) => r.kind);
    expect(kinds.slice(-3)).toEqual(['run.finished', 'notification.queued', 'notification.delivered']);
  });

  it('a receiver that is down leaves the run as it was: the failure is the notification’s alone', async () => {
    const { h, notifier } = await setup(`${await deadAddress()}/services/T1/B1/secret`);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const before = nth(await h.runs(), 0);

    await notifier.drain();
    h.clock.advance(5_000);
    await notifier.drain();

    const after = await h.run(before.id);
    expect(after).toEqual(before);
    const [notification] = await h.store.transaction((tx) => tx.notifications.listForRun(before.id));
    expect(notification).toMatchObject({ status: 'failed', attempts: 2 });
    expect(notification?.lastError).not.toContain('secret');
    expect(h.errors).toEqual([]);
    expect(await h.verifyAudit()).toMatchObject({ ok: true });
  });

  it('does not enqueue for outcomes the workflow does not list', async () => {
    const slack = await httpReceiver();
    cleanup.push(slack.close);
    const { h, notifier } = await setup(`${slack.base}/hook`);
    // Already private: corroboration does not hold, the run is skipped, which notify does not list.
    await h.engine.ingest(bucketEvent('e1', 'demo-private'));
    await h.engine.idle();
    expect((await h.runs())[0]?.outcome).toBe('skipped');
    expect(await notifier.drain()).toBe(0);
    expect(slack.received).toHaveLength(0);
  });
});
