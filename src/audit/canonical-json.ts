/**
 * Canonical JSON (keys sorted, no white space), so that a record's hash depends on its content
 * and never on the order its fields were written in. Otherwise exactly what JSON.stringify
 * writes, which is what the store keeps: `toJSON` is honoured (a Date is its ISO string), and
 * `undefined`, functions and symbols are left out of objects and are `null` in arrays. A record
 * read back from the store must hash as it did when it was sealed.
 * @example canonicalJson({ b: 1, a: [undefined, new Date(0)] }) // '{"a":[null,"1970-01-01T00:00:00.000Z"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const plain = withToJson(value);
  if (plain === null || typeof plain !== 'object') return JSON.stringify(plain) ?? 'null';
  if (Array.isArray(plain)) return `[${plain.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(plain as Record<string, unknown>)
    .filter(([, inner]) => !omitted(withToJson(inner)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
}

function withToJson(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function')
    return (value.toJSON as () => unknown).call(value);
  return value;
}

/** What JSON.stringify leaves out of an object. */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
