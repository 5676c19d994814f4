import { PayloadError, pointer } from './payload-error.js';

/** A location in the body: path tokens, turned into a JSON pointer only for an error. */
export type Path = readonly (string | number)[];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` must be a JSON object. */
export function requireObject(value: unknown, path: Path): Record<string, unknown> {
  if (!isRecord(value)) throw new PayloadError(pointer(path), `must be a JSON object, not ${kindOf(value)}`);
  return value;
}

/** The value at `path` must be a non-empty string. */
export function requireString(value: unknown, path: Path): string {
  if (typeof value !== 'string' || value === '')
    throw new PayloadError(pointer(path), `must be a non-empty string, not ${kindOf(value)}`);
  return value;
}

/** An optional string: absent (undefined or null) is fine, another type is not. */
export function optionalString(value: unknown, path: Path): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requireString(value, path);
}

/** The value at `path` must be an RFC 3339 time; returned as given. */
export function requireTime(value: unknown, path: Path): string {
  const text = requireString(value, path);
  if (
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(text) ||
    Number.isNaN(Date.parse(text))
  )
    throw new PayloadError(pointer(path), 'must be an RFC 3339 time, e.g. 2026-11-27T10:00:00Z');
  return text;
}

/** How a value reads in an error: its JSON kind, never its content. */
export function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return `a ${typeof value}`;
}
