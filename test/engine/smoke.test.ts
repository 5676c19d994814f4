import { describe, expect, it } from 'vitest';
import { bucketEvent, harness, workflow, auditVerifies } from './helpers.js';

const closeBucket = workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: close-bucket, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public], match: 'event.resource.bucket.startsWith("demo-")' }
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
`);

describe('engine smoke', () => {
  it('ingests an event and drives the run to succeeded, with a verifying audit chain', async () => {
    const h = await harness([closeBucket]);
    const result = await h.engine.ingest(bucketEvent('e1'));
    expect(result).toMatchObject({ status: 'accepted', runs: [{ workflow: 'close-bucket', outcome: null }] });
    await h.engine.idle();
    const runs = await h.store.transaction((tx) => tx.listRuns({}));
    expect(runs[0]).toMatchObject({ outcome: 'succeeded', status: 'done' });
    expect(h.sandbox.world.buckets.get('demo-reports')?.access).toBe('private');
    expect((await h.audit()).map((r) => r.kind)).toEqual([
      'event.accepted',
      'run.created',
      'action.intent',
      'action.result', // corroborate
      'action.intent',
      'action.result', // snapshot
      'action.intent',
      'action.result', // act
      'action.intent',
      'action.result', // verify
      'run.finished',
    ]);
    expect(await auditVerifies(h)).toBe(true);
  });
});

describe('dry-run in the audit log', () => {
  it('records the planned writes with their resolved parameters, and performs none', async () => {
    const dryRun = workflow(
      `apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: close-bucket-dry, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: dry-run
  trigger: { source: scanner, types: [sandbox.bucket.public] }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
`,
    );
    const h = await harness([dryRun]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const finished = (await h.audit()).find((r) => r.kind === 'run.finished');
    expect(finished?.data).toMatchObject({
      outcome: 'dry-run',
      planned: [{ step: 'close', params: { bucket: 'demo-reports', access: 'private' } }],
    });
    expect(h.sandbox.world.writes).toEqual([]);
  });
});
