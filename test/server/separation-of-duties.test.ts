import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, bucketEvent, pgWorkflow, serverHarness, type ServerHarness } from './harness.js';

describe('runs: start by hand, approve with a preview, separation of duties', () => {
  let h: ServerHarness;
  beforeEach(async () => {
    h = await serverHarness();
  });
  afterEach(async () => h.close());

  it('the subject who started a run by hand cannot approve it; another can, and sees the preview', async () => {
    const operator = await h.token('user:operator');
    const operator2 = await h.token('user:operator2');
    const started = await h.app.inject({
      method: 'POST',
      url: '/v1/runs',
      headers: bearer(operator),
      payload: { workflow: pgWorkflow, event: bucketEvent(pgWorkflow, 'by-hand-1', 'demo-b') },
    });
    expect(started.statusCode, started.body).toBe(202);
    const runId = (JSON.parse(started.body) as { runs: { runId: string }[] }).runs[0]?.runId ?? '';
    await h.engine.idle();

    const shown = JSON.parse(
      (await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: bearer(operator) })).body,
    ) as {
      run: {
        status: string;
        startedBy: string;
        approval: { preview: { action: string; params: unknown }[] };
      };
    };
    expect(shown.run.status).toBe('awaiting_approval');
    expect(shown.run.startedBy).toBe('user:operator');
    expect(shown.run.approval.preview[0]).toMatchObject({
      action: 'sandbox.bucket.set-access',
      params: { bucket: 'demo-b', access: 'private' },
    });

    const self = await h.app.inject({
      method: 'POST',
      url: `/v1/runs/${runId}/approve`,
      headers: bearer(operator),
      payload: {},
    });
    expect(self.statusCode).toBe(403);
    expect(JSON.parse(self.body)).toMatchObject({ reason: 'separation-of-duties' });

    const other = await h.app.inject({
      method: 'POST',
      url: `/v1/runs/${runId}/approve`,
      headers: bearer(operator2),
      payload: {},
    });
    expect(other.statusCode, other.body).toBe(200);
    await h.engine.idle();
    const run = await h.store.transaction((tx) => tx.getRun(runId));
    expect(run?.outcome).toBe('succeeded');
    expect(h.sandbox.world.buckets.get('demo-b')?.access).toBe('private');
  });

  it('the bootstrap admin, bound to nothing in the config, counts as role:admin among the approvers', async () => {
    const result = await h.engine.ingest(bucketEvent(pgWorkflow, 'not-approver'));
    await h.engine.idle();
    const runId = result.status === 'accepted' ? (result.runs[0]?.runId ?? '') : '';
    const root = await h.token('user:root', { bootstrap: true });
    const response = await h.app.inject({
      method: 'POST',
      url: `/v1/runs/${runId}/reject`,
      headers: bearer(root),
      payload: {},
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('pause, resume, kill switch and cancel are audited with who asked', async () => {
    const operator = await h.token('user:operator');
    const paused = await h.app.inject({
      method: 'POST',
      url: `/v1/workflows/${pgWorkflow}/pause`,
      headers: bearer(operator),
      payload: { reason: 'maintenance' },
    });
    expect(JSON.parse(paused.body)).toMatchObject({
      paused: true,
      reason: 'maintenance',
      by: 'user:operator',
    });
    const ingest = await h.engine.ingest(bucketEvent(pgWorkflow, 'while-paused'));
    expect(ingest.status === 'accepted' && ingest.runs[0]?.outcome).toBe('paused');
    await h.app.inject({
      method: 'POST',
      url: `/v1/workflows/${pgWorkflow}/resume`,
      headers: bearer(operator),
      payload: {},
    });
    await h.app.inject({
      method: 'PUT',
      url: '/v1/control/kill-switch',
      headers: bearer(operator),
      payload: { on: true },
    });
    const control = JSON.parse(
      (await h.app.inject({ method: 'GET', url: '/v1/control', headers: bearer(operator) })).body,
    ) as { killSwitch: boolean; workflows: { workflow: string; paused: boolean }[] };
    expect(control.killSwitch).toBe(true);
    expect(control.workflows.find((w) => w.workflow === pgWorkflow)?.paused).toBe(false);

    await h.app.inject({
      method: 'PUT',
      url: '/v1/control/kill-switch',
      headers: bearer(operator),
      payload: { on: false },
    });
    const waiting = await h.engine.ingest(bucketEvent(pgWorkflow, 'to-cancel'));
    await h.engine.idle();
    const runId = waiting.status === 'accepted' ? (waiting.runs[0]?.runId ?? '') : '';
    const cancelled = await h.app.inject({
      method: 'POST',
      url: `/v1/runs/${runId}/cancel`,
      headers: bearer(operator),
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const kinds = (await h.store.transaction((tx) => tx.auditRecords(0, 10_000))).map(
      (r) => `${r.kind}:${String(r.data.by)}`,
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        'workflow.paused:user:operator',
        'workflow.resumed:user:operator',
        'kill-switch.on:user:operator',
        'run.cancel-requested:user:operator',
      ]),
    );
  });
});
