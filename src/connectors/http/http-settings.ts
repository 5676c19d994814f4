import type { ResolvedCredential } from '../../core/catalog/connector.js';
import { parseDuration } from '../../core/duration.js';
import { ActionFailure } from '../../core/errors.js';
import { parseAllowHosts, type AllowedHost } from './allow-list.js';

/**
 * The `http` connector's credential settings (`credentials[].with` in rectify.yaml):
 *
 * | setting | default | meaning |
 * |---|---|---|
 * | `allowHosts` | required | comma-separated `host` / `host:port` (see allow-list.ts) |
 * | `bearerToken` | none | sent as `Authorization: Bearer <token>` (a secret reference) |
 * | `username`, `password` | none | HTTP basic auth (the password a secret reference) |
 * | `allowPlainHttp` | false | allow `http://` URLs while the credential carries a token or password |
 * | `timeout` | `30s` | per request, redirects included; the step's own timeout applies too |
 * | `maxRequestBytes` | 1048576 | largest request body (JSON-encoded) |
 * | `maxResponseBytes` | 1048576 | largest response body read; a larger one fails the call |
 */
export interface HttpSettings {
  readonly allowHosts: readonly AllowedHost[];
  /** The full `Authorization` header value, when the credential carries one. */
  readonly authorization: string | undefined;
  readonly allowPlainHttp: boolean;
  readonly timeoutMs: number;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
}

const mebibyte = 1024 * 1024;

/**
 * Reads and checks a credential's settings. Fails `non-retryable`, naming the setting and the
 * fix, never quoting a value (values may be secrets).
 * @example httpSettings(credential).allowHosts // [{ host: 'hooks.example.com', port: undefined }]
 */
export function httpSettings(action: string, credential: ResolvedCredential | undefined): HttpSettings {
  if (!credential)
    throw new ActionFailure(
      `${action} needs a credential: give the workflow (or scan source) an http credential with an \`allowHosts\` setting`,
      'non-retryable',
    );
  const settings = credential.settings;
  const problem = (setting: string, fix: string) =>
    new ActionFailure(`credential ${credential.name}: \`${setting}\` ${fix}`, 'non-retryable');

  const allowText = settings.allowHosts;
  if (typeof allowText !== 'string' || allowText.trim() === '')
    throw problem(
      'allowHosts',
      'is required: list the hosts this credential may call, e.g. "hooks.example.com,api.internal:8443"',
    );
  const parsed = parseAllowHosts(allowText);
  if (!parsed.ok)
    throw problem('allowHosts', `has an entry that is not a host or host:port: "${parsed.entry}"`);

  const { bearerToken, username, password } = settings;
  if (bearerToken !== undefined && (username !== undefined || password !== undefined))
    throw problem('bearerToken', 'and `username`/`password` are both set: keep one way to authenticate');
  if ((username === undefined) !== (password === undefined))
    throw problem(username === undefined ? 'username' : 'password', 'is missing: basic auth needs both');
  let authorization: string | undefined;
  if (bearerToken !== undefined) authorization = `Bearer ${String(bearerToken)}`;
  else if (username !== undefined)
    authorization = `Basic ${Buffer.from(`${String(username)}:${String(password)}`).toString('base64')}`;

  return {
    allowHosts: parsed.hosts,
    authorization,
    allowPlainHttp: flag(settings.allowPlainHttp, () => problem('allowPlainHttp', 'must be true or false')),
    timeoutMs: durationSetting(settings.timeout, 30_000, () =>
      problem('timeout', 'must be a duration such as 10s or 1m'),
    ),
    maxRequestBytes: sizeSetting(settings.maxRequestBytes, mebibyte, () =>
      problem('maxRequestBytes', 'must be a positive whole number of bytes'),
    ),
    maxResponseBytes: sizeSetting(settings.maxResponseBytes, mebibyte, () =>
      problem('maxResponseBytes', 'must be a positive whole number of bytes'),
    ),
  };
}

function flag(value: unknown, fail: () => Error): boolean {
  if (value === undefined) return false;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw fail();
}

function durationSetting(value: unknown, fallback: number, fail: () => Error): number {
  if (value === undefined) return fallback;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || ms <= 0) throw fail();
  return ms;
}

function sizeSetting(value: unknown, fallback: number, fail: () => Error): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) throw fail();
  return n;
}
