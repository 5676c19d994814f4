import { afterEach, describe, expect, it } from 'vitest';
import { slackBlocks } from '../../src/notify/slack-blocks.js';
import { message, outbox } from './outbox-harness.js';
import { httpReceiver, nth } from './receivers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

describe('slack channel', () => {
  it('POSTs a Block Kit message to the incoming webhook and records the delivery', async () => {
    const slack = await httpReceiver();
    cleanup.push(slack.close);
    const hookPath = '/services/T0000/B0000/hooksecretXYZ123';
    const o = outbox([{ name: 'slack-secops', type: 'slack', url: 'env:SLACK_URL' }], {
      'env:SLACK_URL': `${slack.base}${hookPath}`,
    });
    cleanup.push(o.close);
    const id = await o.enqueue('slack-secops');

    expect(await o.notifier.drain()).toBe(1);

    expect(slack.received).toHaveLength(1);
    const request = nth(slack.received, 0);
    expect(request.url).toBe(hookPath);
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body) as { text: string; blocks: Record<string, unknown>[] };
    expect(body.text).toBe('[rectify] close-bucket: failed');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':x: close-bucket: failed', emoji: true },
    });
    expect(body.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Resource*\n`sandbox://bucket/demo-reports`' },
        // Event-shaped text is escaped: no links or mentions can be injected.
        { type: 'mrkdwn', text: '*Reason*\nstep close failed: &lt;script&gt; &amp; co' },
        { type: 'mrkdwn', text: '*Steps done*\n`snapshot-acl`, `close`' },
      ],
    });
    expect(body.blocks[2]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Run <https://rectify.example/v1/runs/run_test_1|run_test_1> · 2026-11-27T12:00:00.000Z · Rectify',
        },
      ],
    });

    expect(await o.row(id)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastError: null,
      nextAttemptAt: null,
    });
    const audit = await o.audit();
    expect(audit.map((r) => r.kind)).toEqual(['notification.delivered']);
    expect(audit[0]).toMatchObject({
      runId: 'run_test_1',
      data: {
        notification: id,
        channel: 'slack-secops',
        workflow: 'close-bucket',
        outcome: 'failed',
        attempt: 1,
      },
    });
    expect(JSON.stringify(audit)).not.toContain('hooksecretXYZ123');
    expect(o.results).toEqual([{ channel: 'slack-secops', result: 'delivered' }]);
  });

  it('keeps to Slack limits and marks the run plainly without a public URL', () => {
    const long = slackBlocks({ ...message, workflow: 'w'.repeat(200), stepsDone: [] }, undefined);
    const header = long.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(JSON.stringify(long.blocks[1])).toContain('*Steps done*\\nnone');
    expect(JSON.stringify(long.blocks[2])).toContain('Run `run_test_1`');
  });
});
