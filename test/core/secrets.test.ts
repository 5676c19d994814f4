import { describe, expect, it } from 'vitest';
import { isSecretReference, literalSecretKind } from '../../src/core/secrets.js';

describe('isSecretReference', () => {
  it.each(['env:PG_URL', 'env:_X1', 'file:/run/secrets/pg', 'file:./relative'])('accepts %s', (text) => {
    expect(isSecretReference(text)).toBe(true);
  });

  it.each(['env:', 'env:1X', 'env:PG-URL', 'file:', 'file:/a b', 'ENV:PG', 'hunter2', ''])(
    'rejects %j',
    (text) => {
      expect(isSecretReference(text)).toBe(false);
    },
  );
});

describe('literalSecretKind', () => {
  it.each([
    ['url', 'postgres://app:hunter2@db:5432/app', 'a URL with a password'],
    ['id', 'AKIAABCDEFGHIJKLMNOP', 'an AWS access key id'],
    ['x', `ghp_${'a'.repeat(36)}`, 'a GitHub token'],
    ['x', 'xoxb-1234567890-abcdef', 'a Slack token'],
    ['url', 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdef123', 'a Slack webhook URL'],
    ['key', '-----BEGIN RSA PRIVATE KEY-----', 'a private key'],
    ['x', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmn', 'a JSON web token'],
    ['x', `rfy_${'a'.repeat(24)}`, 'a Rectify API token'],
    ['password', 'hunter2', 'a value under a secret-named key'],
    ['apiKey', 'abc', 'a value under a secret-named key'],
    ['client_secret', 'abc', 'a value under a secret-named key'],
  ])('%s: %j is %s', (key, value, kind) => {
    expect(literalSecretKind(key, value)).toBe(kind);
  });

  it.each([
    ['password', 'env:DB_PASSWORD'],
    ['password', 'file:/run/secrets/db'],
    ['password', '${{ steps.read.output.password }}'],
    ['password', ''],
    ['password', 42],
    ['host', 'db.internal'],
    ['url', 'https://example.com/path'],
    [undefined, 'hunter2'],
  ])('%s: %j is not a literal secret', (key, value) => {
    expect(literalSecretKind(key, value)).toBeUndefined();
  });
});
