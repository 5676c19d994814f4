import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedCredential } from '../../src/core/catalog/connector.js';
import { EngineRefusal } from '../../src/engine/engine-refusal.js';
import { auditVerifies, bucketEvent, harness, workflow, type Harness } from './helpers.js';

/**
 * What people (through the API) and the config ask of a running engine: cancel, start by hand,
 * pause, activate another version, and the credential a workflow acts with.
 */

const harnesses: Harness[] = [];
async function start(...args: Parameters<typeof harness>): Promise<Harness> {
  const h = await harness(...args);
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    expect(await auditVerifies(h)).toBe(true);
    expect(h.errors).toEqual([]);
    await h.engine.stop();
    await h.store.close();
  }
});

/** The value, asserted present (a test that reaches here without it fails with a clear message). */
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

const seed = { buckets: { 'demo-reports': { access: 'public' as const } } };

function closeBucket(extra = '', name = 'close-bucket', description = 'test', trigger = '') {
  return workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: ${name}, owner: team:secops, description: ${description}, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public]${trigger} }
${extra}  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
  onFailure: compensate
`);
}

const approval = `  approval: { when: always, approvers: [role:secops-oncall], timeout: 30m, onTimeout: abort }
`;

describe('cancel', () => {
  it('a run waiting for approval is cancelled and nothing is changed', async () => {
    const h = await start([closeBucket(approval)], { seed });
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const [run] = await h.runs();
    expect(run?.status).toBe('awaiting_approval');
    await h.engine.cancel(must(run).id, 'team:secops');
    await h.engine.idle();
    expect(await h.run(must(run).id)).toMatchObject({
      outcome: 'cancelled',
      reason: 'cancelled by team:secops',
    });
    expect(h.sandbox.world.writes).toEqual([]);
    await expect(h.engine.cancel(must(run).id, 'team:secops')).rejects.toBeInstanceOf(EngineRefusal);
  });

  it('a run cancelled during its settle sleep never acts', async () => {
    const h = await start([closeBucket('', 'close-bucket', 'test', ', settle: 10m')], { seed });
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const [run] = await h.runs();
    expect(run?.status).toBe('sleeping');
    await h.engine.cancel(must(run).id, 'user:ops');
    await h.drain();
    expect((await h.run(must(run).id)).outcome).toBe('cancelled');
    expect(h.calls('sandbox.bucket.set-access')).toBe(0);
  });

  it('an unknown run is refused', async () => {
    const h = await start([closeBucket()]);
    await expect(h.engine.cancel('run_nope', 'user:ops')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('start by hand', () => {
  it('only the named workflow runs, its guards apply, and its starter may not approve it', async () => {
    const h = await start([closeBucket(approval), closeBucket('', 'other-workflow')], { seed });
    const result = await h.engine.startRun('close-bucket', bucketEvent('manual-1'), 'user:alice');
    expect(result.status).toBe('accepted');
    const runs = result.status === 'accepted' ? result.runs : [];
    expect(runs.map((r) => r.workflow)).toEqual(['close-bucket']);
    await h.engine.idle();
    const runId = must(runs[0]).runId;
    expect((await h.run(runId)).state.startedBy).toBe('user:alice');
    await expect(h.engine.decide(runId, 'approve', 'user:alice')).rejects.toMatchObject({
      code: 'separation-of-duties',
    });
    expect(await h.engine.decide(runId, 'approve', 'user:bob')).toBe(true);
    await h.engine.idle();
    expect((await h.run(runId)).outcome).toBe('succeeded');
  });

  it('a hand-made event gets a fresh id, so it never swallows a delivery still to come', async () => {
    const h = await start([closeBucket()], { seed });
    const first = await h.engine.startRun('close-bucket', bucketEvent('alert-42'), 'user:alice');
    expect(first.status).toBe('accepted');
    await h.engine.idle();
    // The real delivery with that id arrives later: accepted, not a duplicate.
    expect((await h.engine.ingest(bucketEvent('alert-42'))).status).toBe('accepted');
  });

  it('a workflow that is not active is refused', async () => {
    const h = await start([closeBucket()]);
    await expect(h.engine.startRun('nope', bucketEvent('m'), 'user:alice')).rejects.toMatchObject({
      code: 'no-such-workflow',
    });
  });
});

describe('pause and resume', () => {
  it('a paused workflow records its events as paused runs until resumed', async () => {
    const h = await start([closeBucket()], { seed });
    await h.engine.setPaused('close-bucket', true, 'user:ops', 'maintenance');
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    expect((await h.runs())[0]).toMatchObject({ outcome: 'paused' });
    await h.engine.setPaused('close-bucket', false, 'user:ops');
    await h.engine.ingest(bucketEvent('e2'));
    await h.engine.idle();
    expect((await h.runs())[1]).toMatchObject({ outcome: 'succeeded' });
    const kinds = (await h.audit()).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['workflow.paused', 'workflow.resumed']));
  });
});

describe('activating another version', () => {
  it('new events run the new version; a run of the old one waiting for approval finishes on the old', async () => {
    const h = await start([closeBucket(approval)], { seed });
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const [old] = await h.runs();
    h.engine.replaceWorkflows([closeBucket('', 'close-bucket', 'version two')]);
    expect(await h.engine.decide(must(old).id, 'approve', 'user:bob')).toBe(true);
    await h.engine.idle();
    expect((await h.run(must(old).id)).outcome).toBe('succeeded');
    await h.engine.ingest(bucketEvent('e2', 'other-bucket'));
    await h.engine.idle();
    const runs = await h.runs();
    expect(runs[1]?.version).not.toBe(old?.version);
  });
});

describe('a restart after another version was activated', () => {
  async function waitingOnVersionOne() {
    const v1 = closeBucket(approval);
    const first = await harness([v1], { seed });
    await first.engine.ingest(bucketEvent('e1'));
    await first.engine.idle();
    const run = must((await first.runs())[0]);
    expect(run.status).toBe('awaiting_approval');
    await first.engine.stop();
    return { v1, first, run };
  }

  it('a run of a former version handed to the engine finishes on that version', async () => {
    const { v1, first, run } = await waitingOnVersionOne();
    const h = await start([closeBucket('', 'close-bucket', 'version two')], {
      seed,
      store: first.store,
      engine: { formerVersions: [v1] },
    });
    expect(await h.engine.decide(run.id, 'approve', 'user:bob')).toBe(true);
    await h.engine.idle();
    expect(await h.run(run.id)).toMatchObject({ outcome: 'succeeded', version: run.version });
  });

  it('without it, the run is not continued: it needs attention, and nothing acts', async () => {
    const { first, run } = await waitingOnVersionOne();
    const h = await start([closeBucket('', 'close-bucket', 'version two')], { seed, store: first.store });
    expect(await h.engine.decide(run.id, 'approve', 'user:bob')).toBe(true);
    await h.engine.idle();
    expect(await h.run(run.id)).toMatchObject({ outcome: 'needs_attention' });
    expect(h.sandbox.world.writes).toEqual([]);
  });
});

describe('credentials', () => {
  const credential = (scopes: string[]): ResolvedCredential => ({
    name: 'bucket-guard',
    connector: 'sandbox',
    settings: {},
    scopes,
  });
  const withCredential = () => closeBucket('  credentials: bucket-guard\n');

  it('an action outside the credential scopes is refused before the connector is called', async () => {
    const h = await start([withCredential()], {
      seed,
      engine: { credentials: new Map([['bucket-guard', credential(['sandbox.bucket.get'])]]) },
    });
    await h.engine.ingest(bucketEvent('e1'));
    await h.drain();
    const [run] = await h.runs();
    expect(run?.outcome).toBe('failed');
    expect(run?.reason).toContain('lacks the scope sandbox.bucket.set-access');
    expect(h.calls('sandbox.bucket.set-access')).toBe(0);
  });

  it('the circuit opens after repeated dependency failures, so later runs do not call it', async () => {
    const h = await start([withCredential()], {
      seed: {
        buckets: Object.fromEntries(['a', 'b', 'c', 'd'].map((b) => [b, { access: 'public' as const }])),
      },
      faults: { down: {} },
      engine: {
        credentials: new Map([
          ['bucket-guard', credential(['sandbox.bucket.get', 'sandbox.bucket.set-access'])],
        ]),
        circuitBreaker: { threshold: 2, cooldownMs: 60_000 },
      },
    });
    for (const bucket of ['a', 'b', 'c', 'd']) {
      await h.engine.ingest(bucketEvent(`e-${bucket}`, bucket));
      await h.engine.idle();
    }
    const runs = await h.runs();
    expect(runs.map((r) => r.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
    // Two real failures (the snapshot reads) opened the circuit; the next two runs were refused
    // without a call.
    expect(h.calls('sandbox.bucket.get')).toBe(2);
    expect(h.calls('sandbox.bucket.set-access')).toBe(0);
    expect(runs[3]?.reason).toContain('circuit open for credential bucket-guard');
    expect(h.engine.breakers.open(h.clock.now())).toEqual(['bucket-guard']);
  });
});
