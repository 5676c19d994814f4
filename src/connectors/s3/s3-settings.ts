import { ActionFailure } from '../../core/errors.js';
import type { ResolvedCredential } from '../../core/catalog/connector.js';

/** An s3 credential's `with`, checked. The two keys are secrets: never in a message or an output. */
export interface S3Settings {
  /** For S3-compatible services (Ceph radosgw, MinIO): `http://127.0.0.1:7480`. AWS when absent. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `http://host/bucket` rather than `http://bucket.host`; default true with an `endpoint`. */
  readonly forcePathStyle: boolean;
}

/**
 * Reads and checks the settings of an s3 credential. Throws a non-retryable `ActionFailure`
 * naming the credential, the field and the fix; the message never holds a setting's value.
 * @example
 * s3Settings({ name: 's3-guard', connector: 's3', scopes: [], settings: {
 *   region: 'eu-west-1', accessKeyId: 'AKIA...', secretAccessKey: '...' } }).forcePathStyle // false
 */
export function s3Settings(credential: ResolvedCredential | undefined): S3Settings {
  if (!credential)
    throw new ActionFailure(
      'the s3 connector needs a credential: set `spec.credentials` on the workflow (or `credentials` on the scan source) to an s3 credential of the config',
      'non-retryable',
    );
  const settings = credential.settings;
  const where = `credential ${credential.name}`;
  const text = (field: string, example: string): string | undefined => {
    const value = settings[field];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string')
      throw new ActionFailure(
        `${where}: \`with.${field}\` must be a string, such as ${example}`,
        'non-retryable',
      );
    return value;
  };
  const required = (field: string, example: string): string => {
    const value = text(field, example);
    if (value === undefined)
      throw new ActionFailure(
        `${where}: \`with.${field}\` is missing: set it, such as ${example}`,
        'non-retryable',
      );
    return value;
  };
  const endpoint = text('endpoint', 'http://127.0.0.1:7480');
  if (endpoint !== undefined && !/^https?:\/\/[^/]+\/?$/.test(endpoint))
    throw new ActionFailure(
      `${where}: \`with.endpoint\` must be an http(s) URL with no path, such as http://127.0.0.1:7480`,
      'non-retryable',
    );
  const pathStyle = settings.forcePathStyle;
  if (
    pathStyle !== undefined &&
    typeof pathStyle !== 'boolean' &&
    pathStyle !== 'true' &&
    pathStyle !== 'false'
  )
    throw new ActionFailure(`${where}: \`with.forcePathStyle\` must be true or false`, 'non-retryable');
  return {
    endpoint,
    region: required('region', 'eu-west-1'),
    accessKeyId: required('accessKeyId', 'env:AWS_ACCESS_KEY_ID'),
    secretAccessKey: required('secretAccessKey', 'env:AWS_SECRET_ACCESS_KEY'),
    forcePathStyle:
      pathStyle === undefined ? endpoint !== undefined : pathStyle === true || pathStyle === 'true',
  };
}
