import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain, type AuditRecord } from '../../src/audit/audit-record.js';
import { verifyAudit } from '../../src/audit/verify-audit.js';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { s3Connector } from '../../src/connectors/s3/s3-connector.js';
import type { Connector, ResolvedCredential } from '../../src/core/catalog/connector.js';
import { ActionFailure } from '../../src/core/errors.js';
import { loadDocument } from '../../src/core/loader/load-document.js';
import { Engine } from '../../src/engine/engine.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ManualClock } from '../engine/helpers.js';
import { scanAsSource } from './scan-as-source.js';
import {
  adminClient,
  anonymousGet,
  createBucketWithObject,
  removeBucket,
  s3TestCredential,
} from '../connectors/s3/s3-test-env.js';
import { serviceAvailable } from '../helpers/services.js';

/**
 * The example workflow examples/workflows/s3-block-public-bucket.yaml, run by the engine against
 * a real radosgw (scripts/ceph-s3.sh start), with the scopes examples/rectify.yaml gives its
 * credential. Proof is what anyone on the internet sees: an unsigned GET of an object.
 */
const root = join(import.meta.dirname, '..', '..');
const catalog = defaultCatalog();

function load(path: string) {
  const result = loadDocument(path, readFileSync(join(root, path), 'utf8'), { catalog });
  if (!result.document) throw new Error(JSON.stringify(result.diagnostics, null, 1));
  return result.document;
}

const example = (() => {
  const document = load('examples/workflows/s3-block-public-bucket.yaml');
  if (document.kind !== 'Workflow') throw new Error('not a workflow');
  return document.workflow;
})();
/** The example config's credential for the workflow: its scopes, the test radosgw's keys. */
const guard: ResolvedCredential = (() => {
  const document = load('examples/rectify.yaml');
  if (document.kind !== 'Config') throw new Error('not a config');
  const configured = document.config.credentials.find((c) => c.name === example.workflow.spec.credentials);
  if (!configured) throw new Error('the example config lacks the workflow credential');
  return { ...s3TestCredential(configured.scopes), name: configured.name };
})();
function handlerOf(connector: Connector, action: string) {
  const handler = connector.handlers[action];
  if (!handler) throw new Error(`no ${action}`);
  return handler;
}
const scanner = { ...s3TestCredential(['s3.bucket.list']), name: 's3-scanner' };

/** What Security Hub sends for a bucket found public (the fields the example's trigger reads). */
function finding(id: string, bucket: string) {
  return {
    id,
    source: 'aws-security-hub',
    type: 'S3.2',
    time: '2026-11-27T10:00:00Z',
    severity: 'critical',
    resource: { id: `arn:aws:s3:::${bucket}`, kind: 'AwsS3Bucket' },
    data: { AwsAccountId: '111122223333', Compliance: { Status: 'FAILED' }, RecordState: 'ACTIVE' },
  };
}

/** A public statement the remediation removes, and a grant to a named user it must keep. */
function mixedPolicy(bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicRead',
        Effect: 'Allow',
        Principal: '*',
        Action: ['s3:GetObject'],
        Resource: [`arn:aws:s3:::${bucket}/*`],
      },
      {
        Sid: 'OwnerList',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam:::user/rectify'] },
        Action: ['s3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`],
      },
    ],
  });
}

describe.runIf(await serviceAvailable('s3'))('S3 remediation through the engine, on Ceph radosgw', () => {
  let admin: S3Client;
  let store: SqliteStore;
  let engine: Engine;
  const clock = new ManualClock(Date.now());
  const s3 = s3Connector();
  const errors: Error[] = [];
  /** Set by a test: the block step fails as a broken S3 would, after the policy step succeeded. */
  let failBlock = false;
  const buckets: string[] = [];

  const policyOf = async (bucket: string) =>
    (await admin.send(new GetBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined))?.Policy ?? null;
  const drain = async () => {
    for (let i = 0; i < 100; i++) {
      await engine.idle();
      const next = await store.transaction((tx) => tx.nextWake());
      if (next === null) return;
      if (next > clock.now()) clock.set(next);
      await engine.runDueTimers();
    }
    throw new Error('still timers after 100 rounds');
  };
  /** Ingests a finding and answers the id of the one run it starts. */
  const ingest = async (event: unknown) => {
    const result = await engine.ingest(event);
    if (result.status !== 'accepted' || result.runs.length !== 1) throw new Error(JSON.stringify(result));
    const [run] = result.runs;
    expect(run).toMatchObject({ workflow: 's3-block-public-bucket', outcome: null });
    return run?.runId ?? '';
  };
  const runOf = async (runId: string) => {
    const run = await store.transaction((tx) => tx.getRun(runId));
    if (!run) throw new Error(`no run ${runId}`);
    return run;
  };
  const auditOf = () => store.transaction((tx) => tx.auditRecords(0, 100_000));
  /** The actions the engine called for a run, in order: `purpose action`. */
  const calls = async (runId: string) =>
    (await auditOf())
      .filter((r: AuditRecord) => r.runId === runId && r.kind === 'action.intent')
      .map((r) => {
        const data = r.data as { purpose: string; action: string; step: string };
        return `${data.purpose} ${data.step} ${data.action}`;
      });

  beforeAll(async () => {
    admin = adminClient();
    store = SqliteStore.open(':memory:');
    const wrapped: Connector = {
      name: 's3',
      handlers: {
        ...s3.handlers,
        's3.bucket.put-public-access-block': (params, context) => {
          // Only the step fails; the undo (which puts the snapshot's flags back) still works.
          if (failBlock && params.blockPublicPolicy === true)
            return Promise.reject(new ActionFailure('forced: S3 refused the block', 'non-retryable'));
          return handlerOf(s3, 's3.bucket.put-public-access-block')(params, context);
        },
      },
    };
    engine = await Engine.start({
      store,
      workflows: [example],
      connectors: new Map([['s3', wrapped]]),
      credentials: new Map([[guard.name, guard]]),
      clock,
      onError: (error) => errors.push(error),
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await s3.close();
    for (const bucket of buckets) await removeBucket(admin, bucket).catch(() => undefined);
    admin?.destroy();
  });

  async function publicBucket(prefix: string): Promise<string> {
    const bucket = await createBucketWithObject(admin, prefix);
    buckets.push(bucket);
    await admin.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: mixedPolicy(bucket) }));
    expect(await anonymousGet(bucket)).toBe(200);
    return bucket;
  }

  it('the scan finds the public bucket, the example workflow closes it and verify confirms it; a rollback on demand reopens it', async () => {
    const bucket = await publicBucket('rx-fix');

    // The scan action, as a schedule source runs it, and the events it makes.
    const scanned = await scanAsSource({
      connector: s3,
      action: 's3.bucket.list',
      source: 's3-scan',
      credential: scanner,
      scanId: 'scan-1',
      now: clock.now(),
    });
    const found = scanned.events.find((e) => e.resource.bucket === bucket);
    expect(found?.data).toMatchObject({ bucket, public: true, publicPolicy: true, publicAcl: false });
    expect(found?.resource.id).toBe(`s3://s3-scanner/bucket/${bucket}`);

    // The finding for it reaches the example workflow, which acts.
    const runId = await ingest(finding('finding-fix', bucket));
    await drain();
    const run = await runOf(runId);
    expect(run.outcome, run.reason ?? '').toBe('succeeded');
    expect(await anonymousGet(bucket)).toBe(403);
    // Only the public statement went; the grant to a named user stayed.
    expect(JSON.parse((await policyOf(bucket)) ?? 'null')).toMatchObject({
      Statement: [{ Sid: 'OwnerList' }],
    });
    expect(await calls(run.id)).toEqual([
      'corroborate (corroborate:0) s3.bucket.policy-status',
      'snapshot remove-public-statements s3.bucket.policy',
      'step remove-public-statements s3.bucket.remove-public-statements',
      'snapshot block-public-access s3.bucket.public-access-block',
      'step block-public-access s3.bucket.put-public-access-block',
      'verify (verify:0) s3.bucket.policy-status',
    ]);

    await engine.rollbackRun(run.id, 'user:bob');
    await drain();
    const rolledBack = await runOf(runId);
    expect(rolledBack.outcome, rolledBack.reason ?? '').toBe('rolled-back');
    expect(await anonymousGet(bucket)).toBe(200);
    expect(JSON.parse((await policyOf(bucket)) ?? 'null')).toEqual(JSON.parse(mixedPolicy(bucket)));
    // Undone in reverse order: the block is lifted before the public policy is put back.
    expect((await calls(run.id)).slice(6)).toEqual([
      'compensate block-public-access s3.bucket.put-public-access-block',
      'compensate remove-public-statements s3.bucket.put-policy',
    ]);
    expect(errors).toEqual([]);
  });

  it('a step that fails after the policy was changed is compensated: the bucket is as it was', async () => {
    const bucket = await publicBucket('rx-comp');
    failBlock = true;
    let runId: string;
    try {
      runId = await ingest(finding('finding-compensate', bucket));
      await drain();
    } finally {
      failBlock = false;
    }
    const run = await runOf(runId);
    expect(run.outcome, run.reason ?? '').toBe('compensated');
    expect(run.reason).toContain('forced: S3 refused the block');
    expect(await anonymousGet(bucket)).toBe(200);
    expect(JSON.parse((await policyOf(bucket)) ?? 'null')).toEqual(JSON.parse(mixedPolicy(bucket)));
    expect(
      (await calls(run.id)).filter((c) => !c.startsWith('corroborate') && !c.startsWith('snapshot')),
    ).toEqual([
      'step remove-public-statements s3.bucket.remove-public-statements',
      'step block-public-access s3.bucket.put-public-access-block',
      'compensate remove-public-statements s3.bucket.put-policy',
    ]);
  });

  it('the audit log holds every step of every run, and its hash chain verifies', async () => {
    const audit = await auditOf();
    const kinds = audit.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'run.finished').length).toBeGreaterThanOrEqual(2);
    expect(kinds).toContain('run.rollback-requested');
    // Every intent has its result: nothing was done that the log does not show the end of.
    expect(kinds.filter((k) => k === 'action.intent').length).toBe(
      kinds.filter((k) => k === 'action.result').length,
    );
    expect(JSON.stringify(audit)).not.toContain(guard.settings.secretAccessKey as string);
    expect(verifyChain(audit).ok).toBe(true);
    expect((await verifyAudit(store)).ok).toBe(true);
  });
});
