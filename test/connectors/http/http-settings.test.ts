import { describe, expect, it } from 'vitest';
import { httpSettings } from '../../../src/connectors/http/http-settings.js';
import type { ResolvedCredential } from '../../../src/core/catalog/connector.js';
import { ActionFailure } from '../../../src/core/errors.js';

const credential = (settings: ResolvedCredential['settings']): ResolvedCredential => ({
  name: 'hooks',
  connector: 'http',
  settings,
  scopes: ['http.request.send'],
});

function failure(run: () => unknown): ActionFailure {
  try {
    run();
  } catch (thrown) {
    if (thrown instanceof ActionFailure) return thrown;
    throw thrown;
  }
  throw new Error('expected an ActionFailure');
}

describe('http credential settings', () => {
  it('defaults: no auth, 30s timeout, 1 MiB caps', () => {
    expect(httpSettings('http.request.get', credential({ allowHosts: 'a.example' }))).toEqual({
      allowHosts: [{ host: 'a.example', port: undefined }],
      authorization: undefined,
      allowPlainHttp: false,
      timeoutMs: 30_000,
      maxRequestBytes: 1_048_576,
      maxResponseBytes: 1_048_576,
    });
  });

  it('builds bearer and basic authorization from resolved secrets', () => {
    expect(httpSettings('x', credential({ allowHosts: 'a', bearerToken: 'tok' })).authorization).toBe(
      'Bearer tok',
    );
    expect(
      httpSettings('x', credential({ allowHosts: 'a', username: 'u', password: 'p' })).authorization,
    ).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('fails non-retryable without a credential or without allowHosts, saying what to set', () => {
    expect(failure(() => httpSettings('http.request.get', undefined)).message).toMatch(/needs a credential/);
    const missing = failure(() => httpSettings('http.request.get', credential({})));
    expect(missing.kind).toBe('non-retryable');
    expect(missing.message).toMatch(/credential hooks: `allowHosts` is required/);
  });

  it('names the setting at fault and never its value', () => {
    const both = failure(() =>
      httpSettings(
        'x',
        credential({ allowHosts: 'a', bearerToken: 's3cr3t-token', username: 'u', password: 'pw-123' }),
      ),
    );
    expect(both.message).toMatch(/`bearerToken` and `username`\/`password` are both set/);
    expect(both.message).not.toContain('s3cr3t-token');
    expect(both.message).not.toContain('pw-123');
    expect(failure(() => httpSettings('x', credential({ allowHosts: 'a', username: 'u' }))).message).toMatch(
      /`password` is missing/,
    );
    expect(
      failure(() => httpSettings('x', credential({ allowHosts: 'a', timeout: 'soon' }))).message,
    ).toMatch(/`timeout` must be a duration/);
    expect(
      failure(() => httpSettings('x', credential({ allowHosts: 'a', maxResponseBytes: -1 }))).message,
    ).toMatch(/`maxResponseBytes` must be a positive/);
    expect(failure(() => httpSettings('x', credential({ allowHosts: 'https://a' }))).message).toMatch(
      /`allowHosts` has an entry that is not a host/,
    );
  });
});
