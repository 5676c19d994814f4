/**
 * The boundary between JSON values and CEL values.
 *
 * cel-js represents CEL `int` as BigInt and JSON numbers as `double`. Integral JSON numbers go in
 * as BigInt, so `event.data.count + 1` works as users expect; BigInts come out as numbers (or as
 * decimal strings past 2^53, never silently rounded).
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  ) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toCel(inner);
    return out;
  }
  return value;
}

/** Converts a CEL result back to plain JSON-like JavaScript. */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of value as Map<unknown, unknown>) out[String(fromCel(key))] = fromCel(inner);
    return out;
  }
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = fromCel(inner);
    return out;
  }
  return value;
}

/** How a value reads when a template puts it inside a longer string. */
export function celToString(value: unknown): string {
  const plain = fromCel(value);
  if (typeof plain === 'string') return plain;
  if (plain instanceof Date) return plain.toISOString();
  if (plain === null || plain === undefined) return '';
  if (typeof plain === 'number' || typeof plain === 'boolean' || typeof plain === 'bigint')
    return plain.toString();
  return JSON.stringify(plain) ?? '';
}
