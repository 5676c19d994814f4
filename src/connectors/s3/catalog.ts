import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../../core/catalog/action.js';

/**
 * The `s3` connector's catalog entries: public exposure of S3 buckets (public access block,
 * bucket policy, ACL) in the account and region of the step's credential, on AWS or an
 * S3-compatible service (its `endpoint`). Implemented by s3-connector.ts. Every call goes to the
 * S3 API, hence `slow`.
 */
const bucket = z.string().min(1).describe('Bucket name.');
const bucketRef = z.strictObject({ bucket });
const identifiers = { bucket: 'identifier' } as const;
const bucketSnapshot = (action: string) => ({ action, with: { bucket: '${{ params.bucket }}' } });

const blockFlags = {
  blockPublicAcls: z.boolean().describe('BlockPublicAcls: reject requests that add public ACLs.'),
  ignorePublicAcls: z.boolean().describe('IgnorePublicAcls: ignore existing public ACLs.'),
  blockPublicPolicy: z.boolean().describe('BlockPublicPolicy: reject public bucket policies.'),
  restrictPublicBuckets: z
    .boolean()
    .describe('RestrictPublicBuckets: only the owner and AWS services reach a bucket with a public policy.'),
};
const blockState = z.object({
  bucket: z.string(),
  configured: z
    .boolean()
    .describe('false when the bucket has no public access block (the four flags then read false).'),
  ...blockFlags,
});

const cannedAcl = z.enum(['private', 'public-read', 'public-read-write', 'authenticated-read']);
const aclState = z.object({
  bucket: z.string(),
  grants: z.array(
    z.object({
      grantee: z.string().describe('Canonical user id, e-mail or group URI.'),
      permission: z.string(),
    }),
  ),
  publicRead: z.boolean().describe('AllUsers or AuthenticatedUsers may read.'),
  publicWrite: z.boolean().describe('AllUsers or AuthenticatedUsers may write.'),
  cannedAcl: cannedAcl
    .nullable()
    .describe('The canned ACL these grants amount to; null when they match none.'),
});

const policyText = z
  .string()
  .min(2)
  .refine((text) => {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    } catch {
      return false;
    }
  }, 'must be a JSON policy document')
  .describe('Bucket policy, as JSON text.');
const policyState = z.object({
  bucket: z.string(),
  policy: z.string().nullable().describe('Policy JSON text; null when there is none.'),
});

const restoreBlock = {
  action: 's3.bucket.put-public-access-block',
  snapshot: bucketSnapshot('s3.bucket.public-access-block'),
  with: {
    bucket: '${{ params.bucket }}',
    blockPublicAcls: '${{ snapshot.blockPublicAcls }}',
    ignorePublicAcls: '${{ snapshot.ignorePublicAcls }}',
    blockPublicPolicy: '${{ snapshot.blockPublicPolicy }}',
    restrictPublicBuckets: '${{ snapshot.restrictPublicBuckets }}',
  },
};
const restorePolicy = {
  action: 's3.bucket.put-policy',
  snapshot: bucketSnapshot('s3.bucket.policy'),
  with: { bucket: '${{ params.bucket }}', policy: '${{ snapshot.policy }}' },
};

export const s3Actions: readonly ActionDefinition[] = [
  defineAction({
    id: 's3.bucket.policy-status',
    title: "Read whether a bucket's policy makes it public",
    description:
      'Reads the bucket policy (GetBucketPolicy) and says whether it makes the bucket public: a statement that Allows everyone (Principal "*" or {"AWS": "*"}, or NotPrincipal) with no Condition. Computed from the document rather than GetBucketPolicyStatus, which radosgw answers counting ACL grants too; no policy is not public.',
    effect: 'read',
    idempotent: true,
    slow: true,
    input: bucketRef,
    output: z.object({
      bucket: z.string(),
      isPublic: z.boolean(),
      publicStatements: z
        .array(z.string())
        .describe('Sid (or #index) of each statement that makes the bucket public.'),
    }),
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: undefined,
  }),
  defineAction({
    id: 's3.bucket.public-access-block',
    title: "Read a bucket's public access block",
    description:
      "Reads the bucket's four public access block flags (GetPublicAccessBlock); the account-level block is not included.",
    effect: 'read',
    idempotent: true,
    slow: true,
    input: bucketRef,
    output: blockState,
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: undefined,
  }),
  defineAction({
    id: 's3.bucket.acl',
    title: "Read a bucket's ACL",
    description:
      'Reads the grants of the bucket ACL and whether they let everyone, or any AWS account, read or write (GetBucketAcl).',
    effect: 'read',
    idempotent: true,
    slow: true,
    input: bucketRef,
    output: aclState,
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: undefined,
  }),
  defineAction({
    id: 's3.bucket.policy',
    title: "Read a bucket's policy",
    description: 'Reads the bucket policy as JSON text, or null when there is none (GetBucketPolicy).',
    effect: 'read',
    idempotent: true,
    slow: true,
    input: bucketRef,
    output: policyState,
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: undefined,
  }),
  defineAction({
    id: 's3.bucket.list',
    title: 'List buckets',
    description:
      'Lists the buckets of the account, for scans (ListBuckets), each with whether its policy (as s3.bucket.policy-status judges it) or its ACL makes it public. One bucket that cannot be read fails the scan rather than be reported private.',
    effect: 'read',
    idempotent: true,
    slow: true,
    input: z.strictObject({}),
    output: z.object({
      items: z.array(
        z.object({
          bucket: z.string(),
          region: z.string().nullable(),
          createdAt: z.string().nullable(),
          public: z.boolean().describe('publicPolicy || publicAcl.'),
          publicPolicy: z.boolean().describe('Its bucket policy lets everyone in.'),
          publicAcl: z.boolean().describe('Its ACL grants AllUsers or AuthenticatedUsers read or write.'),
        }),
      ),
    }),
    inverse: undefined,
  }),
  defineAction({
    id: 's3.bucket.put-public-access-block',
    title: "Set a bucket's public access block",
    description:
      'Sets the four public access block flags of the bucket (PutPublicAccessBlock); each defaults to true. Undo puts back the previous flags; where there was no block, that is all four false, which S3 treats the same. Ceph radosgw (16.x) enforces BlockPublicAcls, IgnorePublicAcls and BlockPublicPolicy but NOT RestrictPublicBuckets: there a public policy keeps working until it is deleted (s3.bucket.delete-policy).',
    effect: 'write',
    idempotent: true,
    slow: true,
    input: bucketRef.extend({
      blockPublicAcls: blockFlags.blockPublicAcls.default(true),
      ignorePublicAcls: blockFlags.ignorePublicAcls.default(true),
      blockPublicPolicy: blockFlags.blockPublicPolicy.default(true),
      restrictPublicBuckets: blockFlags.restrictPublicBuckets.default(true),
    }),
    output: blockState,
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: restoreBlock,
  }),
  defineAction({
    id: 's3.bucket.delete-public-access-block',
    title: "Remove a bucket's public access block",
    description:
      'Removes the public access block of the bucket (DeletePublicAccessBlock). Undo puts back the previous flags.',
    effect: 'write',
    idempotent: true,
    slow: true,
    input: bucketRef,
    output: blockState,
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: restoreBlock,
  }),
  defineAction({
    id: 's3.bucket.put-policy',
    title: "Replace a bucket's policy",
    description:
      'Replaces the bucket policy with the given JSON text (PutBucketPolicy); null removes it (DeleteBucketPolicy), so a snapshot with no policy restores as none. Undo puts back the previous policy.',
    effect: 'write',
    idempotent: true,
    slow: true,
    input: bucketRef.extend({ policy: policyText.nullable() }),
    output: policyState,
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: restorePolicy,
  }),
  defineAction({
    id: 's3.bucket.delete-policy',
    title: "Delete a bucket's policy",
    description:
      'Deletes the bucket policy (DeleteBucketPolicy); access it granted stops at once. Undo puts back the previous policy text (none to put back when there was none). A public access block with BlockPublicPolicy refuses that undo for a public policy, so undo the block first (order the block step after this one).',
    effect: 'write',
    idempotent: true,
    slow: true,
    input: bucketRef,
    output: policyState,
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: { ...restorePolicy, when: 'snapshot.policy != null' },
  }),
  defineAction({
    id: 's3.bucket.remove-public-statements',
    title: "Remove the public statements of a bucket's policy",
    description:
      'Takes out of the bucket policy every statement that makes the bucket public (as s3.bucket.policy-status judges them) and keeps the others, so grants to named accounts and roles go on working; deletes the policy when none is left (PutBucketPolicy / DeleteBucketPolicy). Public access stops at once, on AWS and on Ceph radosgw alike. Undo puts back the previous policy text; a public access block with BlockPublicPolicy refuses that undo, so order a block step after this one.',
    effect: 'write',
    idempotent: true,
    slow: true,
    input: bucketRef,
    output: policyState.extend({
      removed: z
        .array(z.string())
        .describe('Sid (or #index) of each statement taken out; empty when none was public.'),
    }),
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: { ...restorePolicy, when: 'snapshot.policy != null' },
  }),
  defineAction({
    id: 's3.bucket.set-acl',
    title: "Set a bucket's canned ACL",
    description:
      'Replaces the bucket ACL with a canned ACL (PutBucketAcl). Undo restores the canned ACL the previous grants amounted to; when they matched none, undo fails and says so rather than guess.',
    effect: 'write',
    idempotent: true,
    slow: true,
    input: bucketRef.extend({ acl: cannedAcl.describe('The canned ACL to apply.') }),
    output: aclState,
    sensitive: identifiers,
    resource: ['bucket'],
    inverse: {
      action: 's3.bucket.set-acl',
      snapshot: bucketSnapshot('s3.bucket.acl'),
      with: { bucket: '${{ params.bucket }}', acl: '${{ snapshot.cannedAcl }}' },
    },
  }),
];
