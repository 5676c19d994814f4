import { literalSecretKind } from '../core/secrets.js';

/**
 * Audit records carry resolved parameters; a secret must never land in them. Values under
 * secret-named keys, and values that look like secrets, are replaced by a marker; secret
 * references (`env:NAME`) are kept, they name the secret without being it.
 */
export function redactSecrets(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return literalSecretKind(key, value) ? '[REDACTED]' : value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, inner]) => [k, redactSecrets(inner, k)]));
  }
  return value;
}
