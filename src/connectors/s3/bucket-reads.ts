import {
  GetBucketAclCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  type GetBucketAclCommandOutput,
  type GetBucketPolicyCommandOutput,
  type GetPublicAccessBlockCommandOutput,
  type ListBucketsCommandOutput,
} from '@aws-sdk/client-s3';
import { summariseAcl, type AclSummary } from './acl-grants.js';
import { policyVerdict } from './policy-document.js';
import type { S3Call } from './s3-call.js';

export interface BlockState {
  readonly bucket: string;
  readonly configured: boolean;
  readonly blockPublicAcls: boolean;
  readonly ignorePublicAcls: boolean;
  readonly blockPublicPolicy: boolean;
  readonly restrictPublicBuckets: boolean;
}

/** The bucket policy as JSON text; null when the bucket has none. */
export async function readPolicy(
  call: S3Call,
  bucket: string,
): Promise<{ bucket: string; policy: string | null }> {
  const answer = await call.sendOr<GetBucketPolicyCommandOutput, null>(
    new GetBucketPolicyCommand({ Bucket: bucket }),
    ['NoSuchBucketPolicy'],
    null,
  );
  return { bucket, policy: answer?.Policy ?? null };
}

/**
 * The bucket's public access block. AWS answers NoSuchPublicAccessBlockConfiguration when there
 * is none (`configured: false`); radosgw answers four false flags instead, which means the same.
 */
export async function readBlock(call: S3Call, bucket: string): Promise<BlockState> {
  const answer = await call.sendOr<GetPublicAccessBlockCommandOutput, null>(
    new GetPublicAccessBlockCommand({ Bucket: bucket }),
    ['NoSuchPublicAccessBlockConfiguration'],
    null,
  );
  const flags = answer?.PublicAccessBlockConfiguration;
  return {
    bucket,
    configured: flags !== undefined,
    blockPublicAcls: flags?.BlockPublicAcls ?? false,
    ignorePublicAcls: flags?.IgnorePublicAcls ?? false,
    blockPublicPolicy: flags?.BlockPublicPolicy ?? false,
    restrictPublicBuckets: flags?.RestrictPublicBuckets ?? false,
  };
}

export async function readAcl(call: S3Call, bucket: string): Promise<AclSummary & { bucket: string }> {
  const answer = await call.send<GetBucketAclCommandOutput>(new GetBucketAclCommand({ Bucket: bucket }));
  return { bucket, ...summariseAcl(answer.Owner?.ID, answer.Grants ?? []) };
}

export interface BucketListItem {
  readonly bucket: string;
  readonly region: string | null;
  readonly createdAt: string | null;
  /** Its policy or its ACL lets everyone in (`publicPolicy || publicAcl`). */
  readonly public: boolean;
  readonly publicPolicy: boolean;
  readonly publicAcl: boolean;
}

/** How many buckets are read at once during a scan. */
const scanConcurrency = 8;

/**
 * Every bucket the credential lists, each with whether it is public by its policy or its ACL.
 * A bucket that cannot be read fails the whole scan: an item with a guessed "not public" would
 * hide exactly the bucket nobody looked at.
 */
export async function listBuckets(
  callFor: (bucket?: string) => S3Call,
): Promise<{ items: BucketListItem[] }> {
  const answer = await callFor().send<ListBucketsCommandOutput>(new ListBucketsCommand({}));
  const buckets = (answer.Buckets ?? []).filter((b): b is typeof b & { Name: string } => !!b.Name);
  const items: BucketListItem[] = new Array<BucketListItem>(buckets.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < buckets.length; index = next++) {
      const found = buckets[index];
      if (!found) continue;
      const call = callFor(found.Name);
      const [policy, acl] = await Promise.all([readPolicy(call, found.Name), readAcl(call, found.Name)]);
      const publicPolicy = policyVerdict(policy.policy).isPublic;
      const publicAcl = acl.publicRead || acl.publicWrite;
      items[index] = {
        bucket: found.Name,
        region: found.BucketRegion ?? null,
        createdAt: found.CreationDate?.toISOString() ?? null,
        public: publicPolicy || publicAcl,
        publicPolicy,
        publicAcl,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(scanConcurrency, buckets.length) }, worker));
  return { items };
}
