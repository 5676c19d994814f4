import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify-audit.js';
import { sandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld } from '../../src/connectors/sandbox/sandbox-world.js';
import { Engine } from '../../src/engine/engine.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { bucketEvent, ManualClock, workflow } from './helpers.js';

const closeBucket = workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: close-bucket, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public], match: 'event.resource.bucket.startsWith("demo-")' }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
`);

describe('an ingest-only engine (executeRuns: false)', () => {
  it('creates runs durably without driving them; an engine that executes resumes them', async () => {
    const store = SqliteStore.open(':memory:');
    const sandbox = sandboxConnector(new SandboxWorld());
    const options = {
      store,
      workflows: [closeBucket],
      connectors: new Map([['sandbox', sandbox]]),
      clock: new ManualClock(),
    };
    const ingesting = await Engine.start({ ...options, executeRuns: false });
    const result = await ingesting.ingest(bucketEvent('e1'));
    expect(result).toMatchObject({ status: 'accepted', runs: [{ workflow: 'close-bucket', outcome: null }] });
    await ingesting.idle();
    expect(await store.transaction((tx) => tx.listRuns({}))).toMatchObject([{ status: 'ready' }]);
    expect(sandbox.world.calls.size).toBe(0);
    await expect(ingesting.decide('run_x', 'approve', 'user:bob')).rejects.toThrow('only ingests');
    await ingesting.stop();

    const executing = await Engine.start(options);
    await executing.idle();
    expect(await store.transaction((tx) => tx.listRuns({}))).toMatchObject([
      { status: 'done', outcome: 'succeeded' },
    ]);
    expect(sandbox.world.buckets.get('demo-reports')?.access).toBe('private');
    expect(await verifyAudit(store)).toMatchObject({ ok: true });
    await store.close();
  });
});
