import {
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { readAcl, readBlock, readPolicy } from './bucket-reads.js';
import { withoutPublicStatements } from './policy-document.js';
import type { S3Call } from './s3-call.js';

/**
 * The s3 write actions. Each answers the state it left, read back after the change (so the
 * output is what S3 holds, not what was asked); all are idempotent.
 */
export async function putPublicAccessBlock(
  call: S3Call,
  params: {
    bucket: string;
    blockPublicAcls: boolean;
    ignorePublicAcls: boolean;
    blockPublicPolicy: boolean;
    restrictPublicBuckets: boolean;
  },
) {
  await call.send(
    new PutPublicAccessBlockCommand({
      Bucket: params.bucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: params.blockPublicAcls,
        IgnorePublicAcls: params.ignorePublicAcls,
        BlockPublicPolicy: params.blockPublicPolicy,
        RestrictPublicBuckets: params.restrictPublicBuckets,
      },
    }),
  );
  return readBlock(call, params.bucket);
}

export async function deletePublicAccessBlock(call: S3Call, bucket: string) {
  await call.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  return readBlock(call, bucket);
}

/** Puts the policy text; null deletes the policy (how a snapshot of "no policy" is restored). */
export async function putPolicy(call: S3Call, bucket: string, policy: string | null) {
  if (policy === null) return deletePolicy(call, bucket);
  await call.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
  return readPolicy(call, bucket);
}

/** Deleting a policy that is not there succeeds (S3 answers 204), which keeps it idempotent. */
export async function deletePolicy(call: S3Call, bucket: string) {
  await call.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  return readPolicy(call, bucket);
}

/**
 * Takes the public statements out of the bucket policy and keeps the rest (grants to named
 * accounts and roles go on working); deletes the policy when nothing else is left, and changes
 * nothing when no statement is public.
 */
export async function removePublicStatements(call: S3Call, bucket: string) {
  const { policy } = await readPolicy(call, bucket);
  const { remaining, removed } = withoutPublicStatements(policy);
  if (removed.length === 0) return { bucket, policy, removed };
  const after = await putPolicy(call, bucket, remaining);
  return { ...after, removed };
}

export async function setCannedAcl(call: S3Call, bucket: string, acl: string) {
  // The catalog's input schema admits only the four canned ACLs this connector can also read back.
  await call.send(new PutBucketAclCommand({ Bucket: bucket, ACL: acl as 'private' }));
  return readAcl(call, bucket);
}
