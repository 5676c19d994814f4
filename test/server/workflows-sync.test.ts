import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { syncWorkflowsFolder } from '../../src/server/versions/sync-folder.js';
import {
  sandboxName,
  sandboxWorkflow,
  workflowsHarness,
  type WorkflowsHarness,
} from './workflows-harness.js';

const dirs: string[] = [];
let h: WorkflowsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-sync-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('syncWorkflowsFolder (server start)', () => {
  it('at first start activates what passes review; later changes are only proposed', async () => {
    h = await workflowsHarness();
    const dry = sandboxWorkflow('dry-run');
    const enforce = sandboxWorkflow('enforce');
    const dir = folder({
      'sandbox-public-bucket.yaml': dry.content,
      'sandbox-public-bucket.test.yaml': dry.tests,
      'other.yaml': enforce.content
        .replace(`name: ${sandboxName}`, 'name: other-bucket')
        .replace('mode: enforce', 'mode: dry-run\n  # no tests beside it'),
      'broken.yaml': 'apiVersion: rectify.dev/v1\nkind: Workflow\nmetadata: [\n',
    });
    const first = await syncWorkflowsFolder(h.ctx, dir, 'system:files');
    expect(first.firstStart).toBe(true);
    const outcomes = Object.fromEntries(first.files.map((f) => [f.file.replace(/^.*\//, ''), f.outcome]));
    expect(outcomes).toEqual({
      'broken.yaml': 'invalid',
      'other.yaml': 'activated',
      'sandbox-public-bucket.yaml': 'activated',
    });
    expect(first.files.find((f) => f.outcome === 'invalid')?.diagnostics?.[0]?.file).toMatch(/broken\.yaml$/);
    expect(
      h.engine
        .activeWorkflows()
        .map((w) => w.name)
        .sort(),
    ).toEqual(['other-bucket', sandboxName]);
    const audit = await h.store.transaction((tx) => tx.auditRecords(0, 1000));
    expect(audit.find((r) => r.kind === 'workflow.activated')?.data).toMatchObject({
      by: 'system:files',
      bootstrap: true,
    });

    // Unchanged files stay as they are; a changed one becomes a proposal a reviewer must activate.
    writeFileSync(join(dir, 'sandbox-public-bucket.yaml'), enforce.content);
    const second = await syncWorkflowsFolder(h.ctx, dir, 'system:files');
    expect(second.firstStart).toBe(false);
    expect(
      second.files.map((f) => [f.workflow ?? f.file.replace(/^.*\//, ''), f.outcome, f.version]),
    ).toEqual([
      ['broken.yaml', 'invalid', undefined],
      ['other-bucket', 'unchanged', 1],
      [sandboxName, 'proposed', 2],
    ]);
    expect(h.engine.activeWorkflows().find((w) => w.name === sandboxName)?.mode).toBe('dry-run');
  });

  it('does not activate at first start a file whose review blocks', async () => {
    h = await workflowsHarness();
    const { content } = sandboxWorkflow('enforce');
    // `types: ["*"]` on a write workflow blocks (trigger/wildcard-types).
    const dir = folder({ 'a.yaml': content.replace('types: [sandbox.bucket.public]', 'types: ["*"]') });
    const result = await syncWorkflowsFolder(h.ctx, dir, 'system:files');
    expect(result.files[0]).toMatchObject({ outcome: 'blocked', workflow: sandboxName, version: 1 });
    expect(result.files[0]?.blocking).toBeGreaterThan(0);
    expect(h.engine.activeWorkflows()).toEqual([]);
  });
});

describe('version immutability', () => {
  it('the store refuses to update or delete a stored version', async () => {
    const dir = folder({});
    const path = join(dir, 'rectify.db');
    h = await workflowsHarness({ storePath: path });
    const dry = sandboxWorkflow('dry-run');
    await syncWorkflowsFolder(h.ctx, folder({ 'a.yaml': dry.content }), 'system:files');
    const db = new Database(path);
    try {
      expect(() => db.prepare("UPDATE workflow_versions SET content = 'x'").run()).toThrow(/immutable/);
      expect(() => db.prepare('DELETE FROM workflow_versions').run()).toThrow(/immutable/);
    } finally {
      db.close();
    }
  });
});
