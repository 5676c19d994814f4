import { PutBucketPolicyCommand, PutObjectAclCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Actions } from '../../../src/connectors/s3/catalog.js';
import { s3Connector } from '../../../src/connectors/s3/s3-connector.js';
import type { ResolvedCredential } from '../../../src/core/catalog/connector.js';
import { ActionFailure } from '../../../src/core/errors.js';
import { serviceAvailable } from '../../helpers/services.js';
import {
  adminClient,
  anonymousGet,
  createBucketWithObject,
  publicReadPolicy,
  removeBucket,
  s3TestCredential,
  s3TestEnv,
} from './s3-test-env.js';

const connector = s3Connector();
const credential = s3TestCredential();

/** Calls an action as the engine does: parameters through the catalog's input schema first. */
async function call(action: string, params: Record<string, unknown>, as: ResolvedCredential = credential) {
  const definition = s3Actions.find((a) => a.id === action);
  const handler = connector.handlers[action];
  if (!definition || !handler) throw new Error(`no ${action}`);
  const input = definition.input.parse(params) as Record<string, unknown>;
  const output = await handler(input, { signal: new AbortController().signal, credential: as });
  return definition.output.parse(output) as Record<string, unknown>;
}

function handlerOf(action: string) {
  const handler = connector.handlers[action];
  if (!handler) throw new Error(`no ${action}`);
  return handler;
}

async function failure(promise: Promise<unknown>): Promise<ActionFailure> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof ActionFailure) return thrown;
    throw thrown;
  }
  throw new Error('expected an ActionFailure');
}

describe.runIf(await serviceAvailable('s3'))('s3 connector against Ceph radosgw', () => {
  let admin: S3Client;
  const buckets: string[] = [];
  const bucket = async (prefix: string) => {
    const name = await createBucketWithObject(admin, prefix);
    buckets.push(name);
    return name;
  };

  beforeAll(() => {
    admin = adminClient();
  });
  afterAll(async () => {
    for (const name of buckets) await removeBucket(admin, name);
    admin.destroy();
    await connector.close();
  });

  it('deleting a public policy closes anonymous access; putting the snapshot back reopens it', async () => {
    const name = await bucket('policy');
    expect(await anonymousGet(name)).toBe(403);
    expect(await call('s3.bucket.policy-status', { bucket: name })).toEqual({
      bucket: name,
      isPublic: false,
      publicStatements: [],
    });

    await admin.send(new PutBucketPolicyCommand({ Bucket: name, Policy: publicReadPolicy(name) }));
    expect(await anonymousGet(name)).toBe(200);
    expect(await call('s3.bucket.policy-status', { bucket: name })).toMatchObject({
      isPublic: true,
      publicStatements: ['PublicRead'],
    });
    const listed = (await call('s3.bucket.list', {})).items as Record<string, unknown>[];
    expect(listed.find((item) => item.bucket === name)).toMatchObject({
      public: true,
      publicPolicy: true,
      publicAcl: false,
    });

    const snapshot = await call('s3.bucket.policy', { bucket: name });
    expect(JSON.parse(String(snapshot.policy))).toEqual(JSON.parse(publicReadPolicy(name)));

    expect(await call('s3.bucket.delete-policy', { bucket: name })).toEqual({ bucket: name, policy: null });
    expect(await anonymousGet(name)).toBe(403);
    expect(await call('s3.bucket.policy-status', { bucket: name })).toMatchObject({ isPublic: false });
    // Idempotent: deleting again succeeds and changes nothing.
    expect(await call('s3.bucket.delete-policy', { bucket: name })).toEqual({ bucket: name, policy: null });

    await call('s3.bucket.put-policy', { bucket: name, policy: snapshot.policy });
    expect(await anonymousGet(name)).toBe(200);
    // put-policy with null (a snapshot of "no policy") deletes it.
    expect(await call('s3.bucket.put-policy', { bucket: name, policy: null })).toEqual({
      bucket: name,
      policy: null,
    });
    expect(await anonymousGet(name)).toBe(403);
  });

  it('reads and sets the public access block; restoring the snapshot puts back the flags', async () => {
    const name = await bucket('block');
    const before = await call('s3.bucket.public-access-block', { bucket: name });
    expect(before).toMatchObject({
      blockPublicAcls: false,
      ignorePublicAcls: false,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    });
    // Defaults: all four true.
    expect(await call('s3.bucket.put-public-access-block', { bucket: name })).toEqual({
      bucket: name,
      configured: true,
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    });
    // BlockPublicPolicy is enforced: a public policy is refused, and the failure says why.
    const refused = await failure(
      call('s3.bucket.put-policy', { bucket: name, policy: publicReadPolicy(name) }),
    );
    expect(refused.kind).toBe('non-retryable');
    expect(refused.message).toContain('AccessDenied');
    expect(refused.message).toContain('public access block');

    const restored = await call('s3.bucket.put-public-access-block', {
      bucket: name,
      blockPublicAcls: before.blockPublicAcls,
      ignorePublicAcls: before.ignorePublicAcls,
      blockPublicPolicy: before.blockPublicPolicy,
      restrictPublicBuckets: before.restrictPublicBuckets,
    });
    expect(restored).toMatchObject({ blockPublicPolicy: false, restrictPublicBuckets: false });
    await call('s3.bucket.put-policy', { bucket: name, policy: publicReadPolicy(name) });
    expect(await anonymousGet(name)).toBe(200);
    expect(await call('s3.bucket.delete-public-access-block', { bucket: name })).toMatchObject({
      blockPublicPolicy: false,
    });
  });

  it('radosgw enforces IgnorePublicAcls but not RestrictPublicBuckets (why the example deletes the policy)', async () => {
    const name = await bucket('enforce');
    await admin.send(new PutObjectAclCommand({ Bucket: name, Key: 'hello.txt', ACL: 'public-read' }));
    expect(await anonymousGet(name)).toBe(200);
    await call('s3.bucket.put-public-access-block', {
      bucket: name,
      restrictPublicBuckets: false,
      blockPublicPolicy: false,
    });
    expect(await anonymousGet(name)).toBe(403); // the public object ACL is ignored

    await call('s3.bucket.put-public-access-block', {
      bucket: name,
      blockPublicPolicy: false,
      ignorePublicAcls: false,
    });
    await admin.send(new PutObjectAclCommand({ Bucket: name, Key: 'hello.txt', ACL: 'private' }));
    await call('s3.bucket.put-policy', { bucket: name, policy: publicReadPolicy(name) });
    await call('s3.bucket.put-public-access-block', { bucket: name });
    // AWS would now deny anonymous access; radosgw 16 does not implement RestrictPublicBuckets.
    expect(await anonymousGet(name)).toBe(200);
    await call('s3.bucket.delete-policy', { bucket: name });
    expect(await anonymousGet(name)).toBe(403);
  });

  it('sets a canned ACL and reads back what it amounts to; the snapshot restores it', async () => {
    const name = await bucket('acl');
    const listing = () => anonymousGet(name, '');
    expect(await call('s3.bucket.acl', { bucket: name })).toMatchObject({
      publicRead: false,
      publicWrite: false,
      cannedAcl: 'private',
    });
    expect(await listing()).toBe(403);

    const opened = await call('s3.bucket.set-acl', { bucket: name, acl: 'public-read' });
    expect(opened).toMatchObject({ publicRead: true, publicWrite: false, cannedAcl: 'public-read' });
    expect(await listing()).toBe(200);
    const listed = (await call('s3.bucket.list', {})).items as Record<string, unknown>[];
    expect(listed.find((item) => item.bucket === name)).toMatchObject({ public: true, publicAcl: true });

    const snapshot = await call('s3.bucket.acl', { bucket: name });
    await call('s3.bucket.set-acl', { bucket: name, acl: 'private' });
    expect(await listing()).toBe(403);
    await call('s3.bucket.set-acl', { bucket: name, acl: snapshot.cannedAcl });
    expect(await listing()).toBe(200);
    await call('s3.bucket.set-acl', { bucket: name, acl: 'private' });
  });

  describe('failures are classified and never show the secret', () => {
    const secret = s3TestEnv().secretAccessKey;

    it('a wrong secret key is a credentials failure naming the credential', async () => {
      const wrong = s3TestCredential([], { secretAccessKey: `${secret.slice(0, -4)}XXXX` });
      const refused = await failure(call('s3.bucket.list', {}, wrong));
      expect(refused.kind).toBe('credentials');
      expect(refused.message).toContain('SignatureDoesNotMatch');
      expect(refused.message).toContain('credential s3-test');
      expect(refused.message).not.toContain(secret);
      expect(refused.message).not.toContain(secret.slice(0, -4));
    });

    it('an unknown access key id is a credentials failure', async () => {
      const unknown = s3TestCredential([], { accessKeyId: 'AKIAUNKNOWNUNKNOWN00' });
      const refused = await failure(call('s3.bucket.policy', { bucket: 'whatever' }, unknown));
      expect(refused.kind).toBe('credentials');
      expect(refused.message).toContain('InvalidAccessKeyId');
    });

    it('a missing bucket is non-retryable and named', async () => {
      const refused = await failure(call('s3.bucket.acl', { bucket: 'rectify-no-such-bucket' }));
      expect(refused.kind).toBe('non-retryable');
      expect(refused.message).toContain('NoSuchBucket');
      expect(refused.message).toContain('"rectify-no-such-bucket"');
    });

    it('an endpoint that is down is retryable', async () => {
      const down = s3TestCredential([], { endpoint: 'http://127.0.0.1:7481' });
      const refused = await failure(call('s3.bucket.list', {}, down));
      expect(refused.kind).toBe('retryable');
      expect(refused.message).toContain('ECONNREFUSED');
      expect(refused.message).not.toContain(secret);
    });

    it('settings that are missing or wrong name the field and the fix, never a value', async () => {
      const handler = handlerOf('s3.bucket.list');
      const signal = new AbortController().signal;
      const noCredential = await failure(handler({}, { signal }));
      expect(noCredential.kind).toBe('non-retryable');
      expect(noCredential.message).toContain('spec.credentials');

      const base = s3TestCredential();
      const withoutRegion = Object.fromEntries(
        Object.entries(base.settings).filter(([key]) => key !== 'region'),
      );
      const noRegion = await failure(
        handler({}, { signal, credential: { ...base, settings: withoutRegion } }),
      );
      expect(noRegion.message).toBe(
        'credential s3-test: `with.region` is missing: set it, such as eu-west-1',
      );

      const badEndpoint = await failure(
        handler({}, { signal, credential: s3TestCredential([], { endpoint: `ftp://${secret}@host` }) }),
      );
      expect(badEndpoint.message).toContain('`with.endpoint`');
      expect(badEndpoint.message).not.toContain(secret);
    });

    it('an aborted call fails rather than hangs', async () => {
      const controller = new AbortController();
      controller.abort(new Error('step timed out'));
      const handler = handlerOf('s3.bucket.list');
      const refused = await failure(handler({}, { signal: controller.signal, credential }));
      expect(refused.kind).toBe('retryable');
    });
  });
});
