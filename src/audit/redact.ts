import { literalSecretKind } from '../core/secrets.js';

const redacted = '[REDACTED]';

/**
 * Audit records carry resolved parameters; a secret must never land in them. Values that look
 * like secrets, and everything under a secret-named key (strings, numbers, and the items and
 * fields of arrays and objects below it), are replaced by a marker; secret references
 * (`env:NAME`, `file:...`) are kept, they name the secret without being it. Values with `toJSON`
 * (dates) are redacted as the JSON they are stored as.
 * @example redactSecrets({ user: 'app', password: 'hunter2' }) // { user: 'app', password: '[REDACTED]' }
 */
export function redactSecrets(value: unknown, key?: string): unknown {
  const plain = withToJson(value);
  if (typeof plain === 'string') return literalSecretKind(key, plain) ? redacted : plain;
  // A numeric password is still a password (YAML reads `password: 123456` as a number).
  if (typeof plain === 'number' || typeof plain === 'bigint') return secretNamed(key) ? redacted : plain;
  if (Array.isArray(plain)) return plain.map((item: unknown) => redactSecrets(item, key));
  if (plain !== null && typeof plain === 'object') {
    // Below a secret-named key, every field is part of the secret (`credentials: { user, pass }`).
    const inherited = secretNamed(key) ? key : undefined;
    return Object.fromEntries(
      Object.entries(plain as Record<string, unknown>).map(([k, inner]) => [
        k,
        redactSecrets(inner, inherited ?? k),
      ]),
    );
  }
  return plain;
}

/** True when the key names a secret (`password`, `apiKey`, ...), whatever its value. */
function secretNamed(key: string | undefined): boolean {
  // A value that matches no secret shape and is no reference: only the key can make it secret.
  return key !== undefined && literalSecretKind(key, '\u0000') !== undefined;
}

function withToJson(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function')
    return (value.toJSON as () => unknown).call(value);
  return value;
}
