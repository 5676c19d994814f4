import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import type { ResolvedCredential } from '../../../src/core/catalog/connector.js';

/**
 * Where the S3 tests find radosgw and its keys: the RECTIFY_S3_ENDPOINT, RECTIFY_S3_ACCESS_KEY_ID
 * and RECTIFY_S3_SECRET_ACCESS_KEY variables when set (`eval "$(scripts/ceph-s3.sh env)"`), else
 * the key file scripts/ceph-s3.sh writes: $RECTIFY_CEPH_DIR/s3-keys.env (/var/tmp/rectify-ceph).
 */
export function s3TestEnv(): { endpoint: string; accessKeyId: string; secretAccessKey: string } {
  const fromFile: Record<string, string> = {};
  const file = join(process.env.RECTIFY_CEPH_DIR ?? '/var/tmp/rectify-ceph', 's3-keys.env');
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) fromFile[line.slice(0, at)] = line.slice(at + 1).trim();
    }
  } catch {
    // No file: the variables must be set.
  }
  const read = (name: string) => {
    const value = process.env[name] ?? fromFile[name];
    if (!value) throw new Error(`${name} is not set and ${file} lacks it: run \`scripts/ceph-s3.sh start\``);
    return value;
  };
  return {
    endpoint: read('RECTIFY_S3_ENDPOINT'),
    accessKeyId: read('RECTIFY_S3_ACCESS_KEY_ID'),
    secretAccessKey: read('RECTIFY_S3_SECRET_ACCESS_KEY'),
  };
}

/** An s3 credential for the test radosgw, as the engine hands it to the connector. */
export function s3TestCredential(
  scopes: readonly string[] = [],
  overrides: Record<string, string | boolean> = {},
): ResolvedCredential {
  const env = s3TestEnv();
  return {
    name: 's3-test',
    connector: 's3',
    settings: { region: 'eu-west-1', forcePathStyle: true, ...env, ...overrides },
    scopes,
  };
}

/** A plain SDK client, to set up and tear down what the tests act on (never the code under test). */
export function adminClient(): S3Client {
  const env = s3TestEnv();
  return new S3Client({
    endpoint: env.endpoint,
    // us-east-1: the SDK sends no LocationConstraint, which radosgw's default zonegroup requires.
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
  });
}

/** A fresh bucket holding `hello.txt`; unique per call so parallel runs do not meet. */
export async function createBucketWithObject(client: S3Client, prefix: string): Promise<string> {
  const bucket = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'hello.txt', Body: 'hello' }));
  return bucket;
}

export async function removeBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new DeletePublicAccessBlockCommand({ Bucket: bucket })).catch(() => undefined);
  const listed: ListObjectsV2CommandOutput = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const object of listed.Contents ?? [])
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** An anonymous (unsigned) GET, as anyone on the internet would make it: the HTTP status. */
export async function anonymousGet(bucket: string, key = 'hello.txt'): Promise<number> {
  const response = await fetch(`${s3TestEnv().endpoint}/${bucket}/${key}`);
  await response.body?.cancel();
  return response.status;
}

/** A policy that lets everyone read the bucket's objects. */
export function publicReadPolicy(bucket: string): string {
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
    ],
  });
}
