import type { ResolvedCredential } from '../../core/catalog/connector.js';
import { ActionFailure } from '../../core/errors.js';

/** What a `redis` credential connects with: its URL, and the ACL user that URL logs in as. */
export interface RedisTarget {
  readonly url: string;
  /** `default` when the URL names no user (AUTH <password> logs in as default). */
  readonly user: string;
}

/**
 * The connection of a `redis` credential (`with: { url: env:... }`, resolved), e.g.
 * `redis://remediator:pw@cache1:6379` or `rediss://...` for TLS. Fails `non-retryable` when there
 * is none: a config error that a retry cannot fix.
 * @example redisTarget(credential) // { url: 'redis://rectify:pw@127.0.0.1:6379', user: 'rectify' }
 */
export function redisTarget(credential: ResolvedCredential | undefined): RedisTarget {
  if (credential === undefined)
    throw new ActionFailure(
      'redis: no credential was given: name one in the workflow (spec.credentials) or the scan source (credentials)',
      'non-retryable',
    );
  const url = credential.settings.url;
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof url !== 'string' || parsed === undefined || !/^rediss?:$/.test(parsed.protocol))
    throw new ActionFailure(
      `redis: credential "${credential.name}" needs a \`url\` setting of the form redis://user:password@host:6379 (as env:NAME or file:/path)`,
      'non-retryable',
    );
  return { url, user: parsed.username === '' ? 'default' : decodeURIComponent(parsed.username) };
}

/**
 * Removes secrets (the URL, its password raw and percent-decoded, a new password being set) from
 * a text before it is shown. The connector never puts them in a message itself; this guards
 * against a server or client that echoes its arguments.
 */
export function redactSecrets(text: string, url: string, extra: readonly string[] = []): string {
  const secrets = [url, ...extra];
  try {
    const password = new URL(url).password;
    if (password !== '') secrets.push(password, decodeURIComponent(password));
  } catch {
    // Only the whole URL is cut then.
  }
  let out = text;
  for (const secret of secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length))
    out = out.split(secret).join('***');
  return out;
}
