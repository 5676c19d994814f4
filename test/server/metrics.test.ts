import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld } from '../../src/connectors/sandbox/sandbox-world.js';
import { Engine } from '../../src/engine/engine.js';
import { createMetrics, engineObserver, notifierObserver } from '../../src/server/metrics.js';
import { registerProblemHandlers } from '../../src/server/problem-details.js';
import { registerMetricsRoutes } from '../../src/server/routes/metrics.js';
import type { ServerContext } from '../../src/server/server-context.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { bucketEvent, ManualClock, workflow } from '../engine/helpers.js';

const closeBucket = workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: close-bucket, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public], match: 'event.resource.bucket != "demo-approve"' }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
`);
const approveBucket = workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: approve-bucket, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public], match: 'event.resource.bucket == "demo-approve"' }
  approval: { when: always, approvers: [role:responder], timeout: 1h }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
`);

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function setup(token?: string) {
  const store = SqliteStore.open(':memory:');
  const clock = new ManualClock();
  const metrics = createMetrics({
    store,
    clock,
    sources: ['scanner'],
    channels: ['slack-secops'],
    workflows: () => ['close-bucket', 'approve-bucket'],
    killSwitch: false,
  });
  const world = new SandboxWorld({
    buckets: { 'demo-reports': { access: 'public' }, 'demo-approve': { access: 'public' } },
  });
  const engine = await Engine.start({
    store,
    clock,
    workflows: [closeBucket, approveBucket],
    connectors: new Map([['sandbox', sandboxConnector(world)]]),
    observer: engineObserver(metrics),
  });
  const app = Fastify();
  registerProblemHandlers(app);
  registerMetricsRoutes(app, {} as ServerContext, metrics, token === undefined ? {} : { token });
  await app.ready();
  cleanup.push(async () => {
    await app.close();
    await engine.stop();
    await store.close();
  });
  const scrape = async (headers: Record<string, string> = {}) => {
    const response = await app.inject({ method: 'GET', url: '/metrics', headers });
    return { status: response.statusCode, type: response.headers['content-type'], body: response.body };
  };
  return { store, clock, metrics, engine, scrape };
}

/** Every `name{labels} value` line of the exposition, labels parsed. */
function series(body: string): { name: string; labels: Record<string, string>; value: number }[] {
  return body
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not an exposition line: ${line}`);
      const labels: Record<string, string> = {};
      for (const m of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[m[1] ?? ''] = m[2] ?? '';
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

const value = (body: string, name: string, labels: Record<string, string> = {}) =>
  series(body).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;

describe('GET /metrics', () => {
  it('exposes counters, histograms and state gauges after the engine worked', async () => {
    const { engine, metrics, clock, scrape } = await setup();
    await engine.ingest(bucketEvent('e1'));
    await engine.idle();
    await engine.ingest(bucketEvent('e1')); // duplicate
    await engine.ingest({ ...bucketEvent('e2'), source: 'made-up-source-1234', type: 42 }); // not an envelope
    await engine.ingest(bucketEvent('e3', 'demo-approve'));
    await engine.idle();
    metrics.eventRejected('scanner', 'unauthenticated');
    metrics.eventRejected('scanner', 'a reason with spaces and ids 123');
    notifierObserver(metrics)('slack-secops', 'delivered');
    notifierObserver(metrics)('slack-secops', 'failed');
    await engine.setKillSwitch(true, 'user:alice');
    await engine.setPaused('close-bucket', true, 'user:alice');
    clock.advance(2000); // past the one-second cache of the state read

    const { status, type, body } = await scrape();
    expect(status).toBe(200);
    expect(type).toContain('text/plain; version=0.0.4');
    expect(value(body, 'rectify_events_total', { source: 'scanner', result: 'accepted' })).toBe(2);
    expect(value(body, 'rectify_events_total', { source: 'scanner', result: 'duplicate' })).toBe(1);
    // The sender chose that source: counted, but not as a label of its own.
    expect(value(body, 'rectify_events_total', { source: 'other', result: 'rejected' })).toBe(1);
    expect(value(body, 'rectify_events_total', { source: 'scanner', result: 'rejected' })).toBe(2);
    expect(
      value(body, 'rectify_events_rejected_total', { source: 'scanner', reason: 'unauthenticated' }),
    ).toBe(1);
    expect(value(body, 'rectify_events_rejected_total', { source: 'scanner', reason: 'other' })).toBe(1);
    expect(value(body, 'rectify_runs_total', { workflow: 'close-bucket', outcome: 'succeeded' })).toBe(1);
    expect(
      value(body, 'rectify_step_duration_seconds_count', {
        action: 'sandbox.bucket.set-access',
        result: 'ok',
      }),
    ).toBe(1);
    expect(value(body, 'rectify_time_to_remediate_seconds_count', { workflow: 'close-bucket' })).toBe(1);
    expect(value(body, 'rectify_notifications_total', { channel: 'slack-secops', result: 'delivered' })).toBe(
      1,
    );
    expect(value(body, 'rectify_notifications_total', { channel: 'slack-secops', result: 'failed' })).toBe(1);
    expect(value(body, 'rectify_pending_approvals')).toBe(1);
    expect(value(body, 'rectify_paused_workflows')).toBe(1);
    expect(value(body, 'rectify_kill_switch')).toBe(1);
    expect(value(body, 'rectify_overdue_reviews')).toBe(0);
  });

  it('no label carries an id, a secret or a value chosen by a sender', async () => {
    const { engine, metrics, scrape } = await setup();
    for (let i = 0; i < 20; i++) await engine.ingest(bucketEvent(`event-id-${i}`));
    await engine.ingest({ id: 'x', source: 'hooks.slack.com/services/T1/B1/abc', type: 1 });
    await engine.idle();
    metrics.eventRejected('rfy_secret_token_abcdefghijklmnopqrstuvwxyz', 'unauthenticated');
    metrics.notification('https://hooks.slack.com/services/T1/B1/abc', 'dead');
    metrics.stepFinished('x'.repeat(500), 1, true);
    const { body } = await scrape();
    expect(body).not.toMatch(/run_[a-z0-9]/);
    // `le` is the histograms' bucket bound, a number; every other label is a name.
    const values = new Set(
      series(body).flatMap((s) =>
        Object.entries(s.labels)
          .filter(([k]) => k !== 'le')
          .map(([, v]) => v),
      ),
    );
    for (const label of values) {
      expect(label).toMatch(/^[A-Za-z0-9][A-Za-z0-9._~:-]{0,99}$/);
      expect(label).not.toMatch(/event-id|slack|rfy_|x{100}/);
    }
  });

  it('with a token, refuses a scrape without it (401) and answers one with it', async () => {
    const { scrape } = await setup('metrics-token-123456');
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong' })).status).toBe(401);
    const ok = await scrape({ authorization: 'Bearer metrics-token-123456' });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('# TYPE rectify_runs_total counter');
  });
});
