import type { ResolvedCredential } from '../../core/catalog/connector.js';
import { ActionFailure } from '../../core/errors.js';

/**
 * The connection URL of a `mysql` credential (`with: { url: env:... }`, resolved), e.g.
 * `mysql://remediator:pw@db1:3306/`. Fails `non-retryable` when there is none: a config error
 * that a retry cannot fix.
 */
export function mysqlUrl(credential: ResolvedCredential | undefined): string {
  if (credential === undefined)
    throw new ActionFailure(
      'mysql: no credential was given: name one in the workflow (spec.credentials) or the scan source (credentials)',
      'non-retryable',
    );
  const url = credential.settings.url;
  if (typeof url !== 'string' || !/^mysql:\/\//.test(url))
    throw new ActionFailure(
      `mysql: credential "${credential.name}" needs a \`url\` setting of the form mysql://user:password@host:3306/ (as env:NAME or file:/path)`,
      'non-retryable',
    );
  return url;
}

/**
 * Removes the URL and its password (raw and percent-decoded) from a text before it is shown. The
 * connector never puts them in a message itself; this guards against a driver that echoes them.
 */
export function redactCredential(text: string, url: string): string {
  const secrets = [url];
  try {
    const password = new URL(url).password;
    if (password !== '') secrets.push(password, decodeURIComponent(password));
  } catch {
    // An unparsable URL fails at connect, with its own message; only the whole URL is cut here.
  }
  let out = text;
  for (const secret of secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length))
    out = out.split(secret).join('***');
  return out;
}
