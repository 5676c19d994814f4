import type { ActionCallContext, ActionHandler, Connector } from '../../core/catalog/connector.js';
import { listBuckets, readAcl, readBlock, readPolicy } from './bucket-reads.js';
import {
  deletePolicy,
  deletePublicAccessBlock,
  putPolicy,
  putPublicAccessBlock,
  removePublicStatements,
  setCannedAcl,
} from './bucket-writes.js';
import { s3Actions } from './catalog.js';
import { policyVerdict } from './policy-document.js';
import { s3Call, type S3Call } from './s3-call.js';
import { S3Clients } from './s3-clients.js';

type Perform = (params: Record<string, unknown>, callFor: (bucket?: string) => S3Call) => Promise<unknown>;

const bucketOf = (params: Record<string, unknown>) => String(params.bucket);
const flag = (params: Record<string, unknown>, key: string) => params[key] === true;

/** What each action does; parameters arrive validated against the catalog's input schema. */
const performers: Record<string, Perform> = {
  's3.bucket.policy-status': async (params, callFor) => {
    const { bucket, policy } = await readPolicy(callFor(bucketOf(params)), bucketOf(params));
    return { bucket, ...policyVerdict(policy) };
  },
  's3.bucket.public-access-block': (params, callFor) =>
    readBlock(callFor(bucketOf(params)), bucketOf(params)),
  's3.bucket.acl': (params, callFor) => readAcl(callFor(bucketOf(params)), bucketOf(params)),
  's3.bucket.policy': (params, callFor) => readPolicy(callFor(bucketOf(params)), bucketOf(params)),
  's3.bucket.list': (_params, callFor) => listBuckets(callFor),
  's3.bucket.put-public-access-block': (params, callFor) =>
    putPublicAccessBlock(callFor(bucketOf(params)), {
      bucket: bucketOf(params),
      blockPublicAcls: flag(params, 'blockPublicAcls'),
      ignorePublicAcls: flag(params, 'ignorePublicAcls'),
      blockPublicPolicy: flag(params, 'blockPublicPolicy'),
      restrictPublicBuckets: flag(params, 'restrictPublicBuckets'),
    }),
  's3.bucket.delete-public-access-block': (params, callFor) =>
    deletePublicAccessBlock(callFor(bucketOf(params)), bucketOf(params)),
  's3.bucket.put-policy': (params, callFor) =>
    putPolicy(
      callFor(bucketOf(params)),
      bucketOf(params),
      typeof params.policy === 'string' ? params.policy : null,
    ),
  's3.bucket.delete-policy': (params, callFor) => deletePolicy(callFor(bucketOf(params)), bucketOf(params)),
  's3.bucket.remove-public-statements': (params, callFor) =>
    removePublicStatements(callFor(bucketOf(params)), bucketOf(params)),
  's3.bucket.set-acl': (params, callFor) =>
    setCannedAcl(callFor(bucketOf(params)), bucketOf(params), String(params.acl)),
};

export interface S3Connector extends Connector {
  close(): Promise<void>;
}

/**
 * The `s3` connector: performs the s3 catalog's actions against AWS S3 or an S3-compatible
 * service (Ceph radosgw, see docs/s3-testing.md), with the credential of each call
 * (`endpoint`, `region`, `accessKeyId`, `secretAccessKey`, `forcePathStyle`). One client per
 * credential, created on first use; `close()` destroys them.
 * @example
 * const s3 = s3Connector()
 * await s3.handlers['s3.bucket.policy-status']!({ bucket: 'exports' }, { signal, credential })
 * // { bucket: 'exports', isPublic: true, publicStatements: ['PublicRead'] }
 * await s3.close()
 */
export function s3Connector(): S3Connector {
  const clients = new S3Clients();
  const handlers: Record<string, ActionHandler> = {};
  for (const action of s3Actions) {
    const perform = performers[action.id];
    if (!perform)
      throw new Error(`the s3 catalog declares ${action.id}, which the connector does not perform`);
    handlers[action.id] = async (params, { signal, credential }: ActionCallContext) => {
      const { client, settings } = clients.for(credential);
      const context = {
        action: action.id,
        credential: credential?.name ?? '',
        secrets: [settings.secretAccessKey],
      };
      return perform(params, (bucket) =>
        s3Call(client, signal, bucket === undefined ? context : { ...context, bucket }),
      );
    };
  }
  return {
    name: 's3',
    handlers,
    close: () => {
      clients.close();
      return Promise.resolve();
    },
  };
}
