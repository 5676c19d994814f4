import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialRunState } from '../../src/core/run/run-state.js';
import { versionOf } from '../../src/engine/workflow-set.js';
import { formerVersions } from '../../src/server/versions/former-versions.js';
import {
  catalog,
  sandboxName,
  sandboxWorkflow,
  workflowsHarness,
  type WorkflowsHarness,
} from './workflows-harness.js';

/**
 * At start, the server hands the engine the versions that unfinished runs started on but that are
 * no longer active, compiled from the immutable stored text (src/server/versions/former-versions.ts).
 */
let h: WorkflowsHarness;
beforeEach(async () => {
  h = await workflowsHarness();
});
afterEach(async () => {
  await h.close();
});

async function proposeAndActivate(content: string, tests: string, version: number): Promise<void> {
  const proposed = await h.app.inject({
    method: 'POST',
    url: '/v1/workflows',
    headers: await h.auth('user:root', { bootstrap: true }),
    payload: { content, tests, file: 'workflows/sandbox-public-bucket.yaml' },
  });
  expect(proposed.statusCode, proposed.body).toBe(201);
  const activated = await h.app.inject({
    method: 'POST',
    url: `/v1/workflows/${sandboxName}/versions/${version}/activate`,
    headers: await h.auth('user:bob'),
  });
  expect(activated.statusCode, activated.body).toBe(200);
}

async function unfinishedRunOn(version: string): Promise<void> {
  await h.store.transaction(async (tx) => {
    const { seq } = await tx.insertEvent({
      source: 'sandbox',
      id: 'e1',
      type: 'sandbox.bucket.public',
      receivedAt: 0,
      envelope: {
        id: 'e1',
        source: 'sandbox',
        type: 'sandbox.bucket.public',
        time: '2026-11-27T10:00:00Z',
        severity: 'high',
        resource: { id: 'sandbox://bucket/demo' },
        data: {},
      },
      original: null,
    });
    await tx.insertRun({
      id: 'run_waiting',
      workflow: sandboxName,
      version,
      mode: 'dry-run',
      eventSeq: seq,
      resourceKey: 'sandbox://bucket/demo',
      dedupeKey: null,
      status: 'awaiting_approval',
      outcome: null,
      reason: null,
      state: { ...initialRunState(), phase: 'approval' },
      wakeAt: null,
      createdAt: 0,
      updatedAt: 0,
      finishedAt: null,
    });
  });
}

describe('former versions of runs in flight', () => {
  it('finds the version a waiting run started on after a newer one was activated', async () => {
    const one = sandboxWorkflow('dry-run');
    await proposeAndActivate(one.content, one.tests, 1);
    const [v1] = h.engine.activeWorkflows();
    if (!v1) throw new Error('version 1 is not active');
    await unfinishedRunOn(versionOf(v1));

    const one2 = sandboxWorkflow('dry-run');
    const two = { ...one2, content: one2.content.replace('Quickstart:', 'Quickstart (version two):') };
    await proposeAndActivate(two.content, two.tests, 2);
    const active = h.engine.activeWorkflows();
    expect(active.map(versionOf)).not.toContain(versionOf(v1));

    const former = await formerVersions(h.store, catalog, active);
    expect(former.map(versionOf)).toEqual([versionOf(v1)]);
  });

  it('finds nothing when every unfinished run is on an active version', async () => {
    const one = sandboxWorkflow('dry-run');
    await proposeAndActivate(one.content, one.tests, 1);
    const active = h.engine.activeWorkflows();
    await unfinishedRunOn(versionOf(active[0] ?? (one as never)));
    expect(await formerVersions(h.store, catalog, active)).toEqual([]);
  });
});
