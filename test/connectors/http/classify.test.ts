import { describe, expect, it } from 'vitest';
import { networkFailure, retryAfterMs, statusFailureKind } from '../../../src/connectors/http/classify.js';

describe('http failure classification', () => {
  it.each([
    [401, 'credentials'],
    [403, 'credentials'],
    [408, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [503, 'retryable'],
    [400, 'non-retryable'],
    [404, 'non-retryable'],
    [409, 'non-retryable'],
    [422, 'non-retryable'],
    [302, 'non-retryable'],
  ])('%i -> %s', (status, kind) => {
    expect(statusFailureKind(status)).toBe(kind);
  });

  it('reads Retry-After as seconds or a date, capped at 10 minutes', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('99999', now)).toBe(600_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('names the error code of a refused connection, never the URL', () => {
    const thrown = new TypeError('fetch failed https://h/secret-path', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const failure = networkFailure(thrown, 'https://h', undefined);
    expect(failure.kind).toBe('retryable');
    expect(failure.message).toBe('the request to https://h failed before a response (ECONNREFUSED)');
  });
});

describe('whether a failed request may have taken effect', () => {
  const cause = (code: string) => Object.assign(new Error('fetch failed'), { cause: { code } });

  it('a refused connection sent nothing: a plain retryable failure', () => {
    expect(
      networkFailure(cause('ECONNREFUSED'), 'https://h', undefined).details.outcomeUnknown,
    ).toBeUndefined();
  });

  it.each([
    ['a reset after sending', cause('ECONNRESET'), undefined],
    ["the credential's timeout", new Error('timeout'), 'timeout'],
    ['an abandoned call', new Error('aborted'), 'aborted'],
  ] as const)(
    '%s: outcome unknown, so a non-idempotent request is not retried blind',
    (_what, thrown, reason) => {
      expect(networkFailure(thrown, 'https://h', reason).details.outcomeUnknown).toBe(true);
    },
  );
});
