import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceDelivery } from '../../src/sources/adapters/adapter.js';
import { PayloadError } from '../../src/sources/adapters/payload-error.js';

/**
 * Real, published sample payloads (see their SOURCE.md files), copied unchanged from the team's
 * shared/fixtures/formats so that a clone of this repository alone runs every test.
 */
export const formatsDir = resolve(import.meta.dirname, '../fixtures/formats');
export const examplesDir = resolve(import.meta.dirname, '../../examples');

export function fixture(name: string): Buffer {
  return readFileSync(resolve(formatsDir, name));
}

export function exampleEvent(name: string): Buffer {
  return readFileSync(resolve(examplesDir, 'events', name));
}

export const receivedAt = Date.parse('2026-11-27T12:00:00Z');

/** A delivery to `source` as the route hands it to an adapter. */
export function delivery(
  body: unknown,
  options: { source?: string; mediaType?: string; headers?: Record<string, string> } = {},
): SourceDelivery {
  const raw = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    source: options.source ?? 'test-source',
    mediaType: options.mediaType ?? 'application/json',
    headers: options.headers ?? {},
    body: raw,
    receivedAt,
  };
}

/** The PayloadError `run` throws (fails the test if it throws nothing or something else). */
export function payloadError(run: () => unknown): PayloadError {
  try {
    run();
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error('expected a PayloadError');
}

/** The item at `index`, or a failed test. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} of ${items.length}`);
  return item;
}
