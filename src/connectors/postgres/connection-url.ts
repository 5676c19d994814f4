import { ActionFailure } from '../../core/errors.js';
import type { ResolvedCredential } from '../../core/catalog/connector.js';

/** What a credential says about where to connect, and the secrets no message may contain. */
export interface ConnectionTarget {
  /** The credential's URL, its database replaced when the action names one. Holds the password. */
  readonly url: string;
  /** The database connected to, for messages: the action's, or the one in the credential's URL. */
  readonly database: string;
  /** Strings to blank out of any message: the password (raw and decoded) and the URLs. */
  readonly secrets: readonly string[];
}

/**
 * Reads the credential's `url` setting and points it at `database` when given (a Postgres
 * connection reaches one database; cluster-wide reads and role changes work from any of them).
 * Fails `non-retryable`, naming the setting, when the URL is missing or malformed; the message
 * never repeats the URL, which holds the password.
 * @example
 * connectionTarget(credential, 'analytics').database // 'analytics'
 */
export function connectionTarget(credential: ResolvedCredential, database?: string): ConnectionTarget {
  const raw = credential.settings.url;
  if (typeof raw !== 'string' || raw === '')
    throw new ActionFailure(
      `credential ${credential.name} has no url: set \`with: { url: env:NAME }\` to a postgres:// URL`,
      'non-retryable',
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ActionFailure(
      `credential ${credential.name}: its url is not a valid URL (expected postgres://user:password@host:5432/database)`,
      'non-retryable',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new ActionFailure(
      `credential ${credential.name}: its url must start with postgres:// or postgresql://, not ${url.protocol}//`,
      'non-retryable',
    );
  const secrets = [raw];
  if (url.password !== '') secrets.push(url.password, safeDecode(url.password));
  if (database !== undefined) url.pathname = `/${encodeURIComponent(database)}`;
  secrets.push(url.href);
  const connected = database ?? safeDecode(url.pathname.replace(/^\//, ''));
  return { url: url.href, database: connected === '' ? safeDecode(url.username) : connected, secrets };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Replaces every secret in `message` by `***`, longest first so no part of one survives. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    if (secret !== '') out = out.split(secret).join('***');
  return out;
}
