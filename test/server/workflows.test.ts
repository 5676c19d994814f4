import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { overdueWorkflows } from '../../src/server/versions/overdue.js';
import {
  sandboxName,
  sandboxWorkflow,
  workflowsHarness,
  type WorkflowsHarness,
} from './workflows-harness.js';

let h: WorkflowsHarness;
beforeEach(async () => {
  h = await workflowsHarness();
});
afterEach(async () => {
  await h.close();
});

type Json = Record<string, unknown> & {
  version: Record<string, unknown> & { review: Record<string, unknown> };
};

async function propose(subject: string, content: string, tests?: string, bootstrap = false) {
  const response = await h.app.inject({
    method: 'POST',
    url: '/v1/workflows',
    headers: await h.auth(subject, { bootstrap }),
    payload: { content, ...(tests ? { tests } : {}), file: 'workflows/sandbox-public-bucket.yaml' },
  });
  return { status: response.statusCode, body: response.json<Json>() };
}

async function act(subject: string, path: string, bootstrap = false) {
  const response = await h.app.inject({
    method: 'POST',
    url: `/v1/workflows/${sandboxName}/${path}`,
    headers: await h.auth(subject, { bootstrap }),
  });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

async function get(subject: string, url: string) {
  const response = await h.app.inject({ method: 'GET', url, headers: await h.auth(subject) });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

const activeNames = () => h.engine.activeWorkflows().map((w) => `${w.name}:${w.mode}`);

describe('proposing a version', () => {
  it('stores an immutable version with its hash, author and review; the same text again is no new version', async () => {
    const { content, tests } = sandboxWorkflow('dry-run');
    const first = await propose('user:alice', content, tests);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ workflow: sandboxName, created: true, status: 'proposed' });
    expect(first.body.version).toMatchObject({
      version: 1,
      author: 'user:alice',
      mode: 'dry-run',
      contentHash: `sha256:${createHash('sha256').update(content).digest('hex')}`,
      review: { blocking: 0, today: '2026-11-27' },
    });

    const again = await propose('service:ci', content, tests);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, version: { version: 1, author: 'user:alice' } });

    const audit = await h.store.transaction((tx) => tx.auditRecords(0, 1000));
    expect(audit.filter((r) => r.kind === 'workflow.proposed')).toHaveLength(1);
  });

  it('answers 400 with file:line:column diagnostics for a text that does not load, and stores nothing', async () => {
    const { content } = sandboxWorkflow('dry-run');
    const broken = await propose(
      'user:alice',
      content.replace('action: sandbox.bucket.set-access', 'action: sandbox.bucket.explode'),
    );
    expect(broken.status).toBe(400);
    const diagnostics = broken.body.diagnostics as { location: string; code: string }[];
    expect(diagnostics[0]?.location).toMatch(/^workflows\/sandbox-public-bucket\.yaml:\d+:\d+$/);
    expect(String(broken.body.detail)).toContain('workflows/sandbox-public-bucket.yaml:');
    expect((await get('user:alice', '/v1/workflows')).body).toEqual({ workflows: [] });
  });

  it('needs workflows:propose', async () => {
    const { content } = sandboxWorkflow('dry-run');
    expect((await propose('user:frank', content)).status).toBe(403);
    expect((await propose('user:bob', content)).status).toBe(403);
  });
});

describe('activation', () => {
  it('never by the author (separation of duties); a reviewer activates, and the engine runs it', async () => {
    const { content, tests } = sandboxWorkflow('dry-run');
    expect((await propose('user:root', content, tests, true)).status).toBe(201);
    const own = await act('user:root', 'versions/1/activate', true);
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ reason: 'separation-of-duties' });
    expect(activeNames()).toEqual([]);

    // alice authors but holds no workflows:activate at all.
    expect((await act('user:alice', 'versions/1/activate')).status).toBe(403);

    const byReviewer = await act('user:bob', 'versions/1/activate');
    expect(byReviewer.status).toBe(200);
    expect(byReviewer.body).toMatchObject({ status: 'active', activeVersion: 1, previous: null });
    expect(activeNames()).toEqual([`${sandboxName}:dry-run`]);
    expect((await act('user:bob', 'versions/1/activate')).status).toBe(409);
  });

  it('refuses a version with a blocking finding', async () => {
    // Enforce with no dry-run history: change/enforce-without-dry-run-history (high, high).
    const { content, tests } = sandboxWorkflow('enforce');
    const proposed = await propose('user:alice', content, tests);
    expect(proposed.body.version.review).toMatchObject({ blocking: 1 });
    const refused = await act('user:bob', 'versions/1/activate');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reason: 'blocking-findings' });
    expect((refused.body.findings as { ruleId: string }[])[0]?.ruleId).toBe(
      'change/enforce-without-dry-run-history',
    );
    expect(activeNames()).toEqual([]);
  });

  it('never rolls back to a version that was never active: that is an activation', async () => {
    const dry = sandboxWorkflow('dry-run');
    await propose('user:alice', dry.content, dry.tests);
    const tweaked = { ...dry, content: dry.content.replace('Quickstart:', 'Quickstart (v2):') };
    expect((await propose('user:alice', tweaked.content, tweaked.tests)).status).toBe(201);
    const third = { ...dry, content: dry.content.replace('Quickstart:', 'Quickstart (v3):') };
    expect((await propose('user:alice', third.content, third.tests)).status).toBe(201);
    expect((await act('user:bob', 'versions/3/activate')).status).toBe(200);
    const refused = await act('user:bob', 'versions/2/rollback');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reason: 'never-active' });
  });

  it('rolls back to an earlier version, diffs any two, and never offers a way to change a version', async () => {
    const dry = sandboxWorkflow('dry-run');
    await propose('user:alice', dry.content, dry.tests);
    await act('user:bob', 'versions/1/activate');
    // Now the history has a dry-run: enforce passes review.
    const enforce = sandboxWorkflow('enforce');
    const second = await propose('user:alice', enforce.content, enforce.tests);
    expect(second.body.version).toMatchObject({ version: 2, review: { blocking: 0 } });
    expect((await act('user:bob', 'versions/2/activate')).status).toBe(200);
    expect(activeNames()).toEqual([`${sandboxName}:enforce`]);

    expect((await act('user:bob', 'versions/2/rollback')).status).toBe(409);
    // The author may roll back to a version someone else activated before.
    const back = await act('user:alice', 'versions/1/rollback');
    expect(back.status).toBe(403); // alice holds no workflows:rollback
    const rolled = await act('user:bob', 'versions/1/rollback');
    expect(rolled.status).toBe(200);
    expect(rolled.body).toMatchObject({ activeVersion: 1, previous: 2 });
    expect(activeNames()).toEqual([`${sandboxName}:dry-run`]);

    const diff = await get('user:frank', `/v1/workflows/${sandboxName}/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.body.diff).toContain(`--- ${sandboxName}@1\n+++ ${sandboxName}@2\n@@ `);
    expect(diff.body.diff).toContain('\n-  mode: dry-run\n+  mode: enforce\n');
    expect((await get('user:frank', `/v1/workflows/${sandboxName}/diff?from=1&to=9`)).status).toBe(404);

    const detail = await get('user:frank', `/v1/workflows/${sandboxName}`);
    expect(detail.body).toMatchObject({ status: 'active', activeVersion: 1, latestVersion: 2 });
    expect((detail.body.history as { kind: string }[]).map((a) => a.kind)).toEqual([
      'activate',
      'activate',
      'rollback',
    ]);
    const version = await get('user:frank', `/v1/workflows/${sandboxName}/versions/2`);
    expect(version.body).toMatchObject({
      content: enforce.content,
      contentHash: second.body.version.contentHash,
    });

    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const response = await h.app.inject({
        method,
        url: `/v1/workflows/${sandboxName}/versions/2`,
        headers: await h.auth('user:root', { bootstrap: true }),
        payload: { content: 'x' },
      });
      expect(response.statusCode).toBe(404);
    }
    const audit = await h.store.transaction((tx) => tx.auditRecords(0, 1000));
    expect(audit.map((r) => r.kind).filter((k) => k.startsWith('workflow.'))).toEqual([
      'workflow.proposed',
      'workflow.activated',
      'workflow.proposed',
      'workflow.activated',
      'workflow.rolled-back',
    ]);
  });
});

describe('retiring and overdue reviews', () => {
  it('retire stops the workflow and keeps its history; activating a version brings it back', async () => {
    const { content, tests } = sandboxWorkflow('dry-run');
    await propose('user:alice', content, tests);
    await act('user:bob', 'versions/1/activate');
    expect((await act('user:bob', 'retire')).status).toBe(403); // workflows:delete: admins only here
    const retired = await act('user:root', 'retire', true);
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ status: 'retired', previous: 1 });
    expect(activeNames()).toEqual([]);
    expect((await act('user:root', 'retire', true)).status).toBe(409);

    const detail = await get('user:frank', `/v1/workflows/${sandboxName}`);
    expect(detail.body).toMatchObject({ status: 'retired', activeVersion: null, overdueReview: false });
    expect(detail.body.versions).toHaveLength(1);
    expect((detail.body.history as { kind: string }[]).map((a) => a.kind)).toEqual(['activate', 'retire']);

    expect((await act('user:bob', 'versions/1/activate')).status).toBe(200);
    expect(activeNames()).toEqual([`${sandboxName}:dry-run`]);
  });

  it('flags workflows past metadata.reviewBy in list and get, and exports them for metrics', async () => {
    const { content, tests } = sandboxWorkflow('dry-run');
    await propose('user:alice', content, tests);
    await act('user:bob', 'versions/1/activate');
    const before = await get('user:frank', '/v1/workflows');
    expect(before.body.workflows).toMatchObject([
      { name: sandboxName, overdueReview: false, reviewBy: '2027-04-30' },
    ]);

    h.clock.at = Date.parse('2027-04-30T23:59:00Z'); // the whole reviewBy day is on time
    expect(await h.store.transaction((tx) => overdueWorkflows(tx, h.clock.now()))).toEqual([]);
    h.clock.at = Date.parse('2027-05-02T08:00:00Z');
    const after = await get('user:frank', '/v1/workflows');
    expect(after.body.workflows).toMatchObject([
      {
        name: sandboxName,
        status: 'active',
        activeVersion: 1,
        owner: 'team:cloud-security',
        overdueReview: true,
      },
    ]);
    expect((await get('user:frank', `/v1/workflows/${sandboxName}`)).body).toMatchObject({
      overdueReview: true,
    });
    expect(await h.store.transaction((tx) => overdueWorkflows(tx, h.clock.now()))).toEqual([
      { name: sandboxName, version: 1, owner: 'team:cloud-security', reviewBy: '2027-04-30', daysOverdue: 2 },
    ]);
  });
});
