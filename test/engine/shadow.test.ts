import { describe, expect, it } from 'vitest';
import { auditVerifies, bucketEvent, harness, workflow } from './helpers.js';

const version = (mode: string, access: string) =>
  workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: close-bucket, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: ${mode}
  trigger: { source: scanner, types: [sandbox.bucket.public] }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: ${access} }
`);

describe('shadow mode', () => {
  it('runs a candidate version in dry-run beside the enforcing one and records that they agree', async () => {
    const h = await harness([version('enforce', 'private'), version('shadow', 'private')]);
    const result = await h.engine.ingest(bucketEvent('e1'));
    expect(result).toMatchObject({
      status: 'accepted',
      runs: [{ workflow: 'close-bucket' }, { workflow: 'close-bucket~shadow' }],
    });
    await h.engine.idle();
    // Only the enforcing version wrote.
    expect(h.sandbox.world.writes.map((w) => w.action)).toEqual(['sandbox.bucket.set-access']);
    const compared = (await h.audit()).filter((r) => r.kind === 'shadow.compared');
    expect(compared).toHaveLength(1);
    expect(compared[0]?.data).toMatchObject({
      workflow: 'close-bucket',
      same: true,
      enforcing: { outcome: 'succeeded' },
      candidate: { outcome: 'dry-run' },
      onlyEnforcing: [],
      onlyCandidate: [],
    });
    expect(await auditVerifies(h)).toBe(true);
  });

  it('records where the candidate would act differently', async () => {
    const h = await harness([version('enforce', 'private'), version('shadow', 'public')]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const compared = (await h.audit()).find((r) => r.kind === 'shadow.compared');
    expect(compared?.data).toMatchObject({
      same: false,
      onlyEnforcing: [
        { action: 'sandbox.bucket.set-access', params: { bucket: 'demo-reports', access: 'private' } },
      ],
      onlyCandidate: [
        { action: 'sandbox.bucket.set-access', params: { bucket: 'demo-reports', access: 'public' } },
      ],
    });
  });

  it("records the candidate's runs under their own key, so its limits and dedupe are its own", async () => {
    const h = await harness([version('enforce', 'private'), version('shadow', 'private')]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const runs = await h.store.transaction((tx) => tx.listRuns({}));
    expect(runs.map((r) => [r.workflow, r.mode, r.outcome]).sort()).toEqual([
      ['close-bucket', 'enforce', 'succeeded'],
      ['close-bucket~shadow', 'shadow', 'dry-run'],
    ]);
  });
});
