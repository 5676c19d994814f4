import type { S3Client } from '@aws-sdk/client-s3';
import { s3Failure } from './classify-error.js';

/** Any S3 command object (`new GetBucketAclCommand(...)`): the caller states its output type. */
export type S3Command = { readonly input: unknown };

/**
 * One handler invocation's way to the S3 API: the client of its credential, the step's abort
 * signal, and the context its failures are reported with.
 */
export interface S3Call {
  /** Sends a command; every failure comes back an `ActionFailure` (see classify-error.ts). */
  send<Output>(command: S3Command): Promise<Output>;
  /**
   * Sends a command, and answers `missing` when S3 says the thing read does not exist (one of
   * `codes`, such as NoSuchBucketPolicy); any other failure is thrown as by `send`.
   */
  sendOr<Output, Missing>(
    command: S3Command,
    codes: readonly string[],
    missing: Missing,
  ): Promise<Output | Missing>;
}

/**
 * @example
 * const call = s3Call(client, signal, { action: 's3.bucket.acl', bucket: 'b', credential: 'guard', secrets: [secret] })
 * const acl = await call.send<GetBucketAclCommandOutput>(new GetBucketAclCommand({ Bucket: 'b' }))
 */
export function s3Call(
  client: S3Client,
  signal: AbortSignal,
  context: { action: string; bucket?: string; credential: string; secrets: readonly string[] },
): S3Call {
  const what = `${context.action}${context.bucket !== undefined ? ` on bucket "${context.bucket}"` : ''}`;
  const failure = (thrown: unknown) =>
    s3Failure(thrown, { what, credential: context.credential, secrets: context.secrets });
  // The SDK's `send` overloads do not accept a command typed this loosely; outputs are typed by callers.
  const raw = (command: S3Command) =>
    client.send(command as never, { abortSignal: signal }) as Promise<unknown>;
  return {
    async send<Output>(command: S3Command): Promise<Output> {
      try {
        return (await raw(command)) as Output;
      } catch (thrown) {
        throw failure(thrown);
      }
    },
    async sendOr<Output, Missing>(
      command: S3Command,
      codes: readonly string[],
      missing: Missing,
    ): Promise<Output | Missing> {
      try {
        return (await raw(command)) as Output;
      } catch (thrown) {
        const error = thrown as { name?: unknown; Code?: unknown };
        const code = error.Code ?? error.name;
        if (typeof code === 'string' && codes.includes(code)) return missing;
        throw failure(thrown);
      }
    },
  };
}
