import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/audit/redact.js';

describe('redactSecrets', () => {
  it('redacts values under secret-named keys, keeps the rest', () => {
    expect(
      redactSecrets({
        user: 'app',
        password: 'hunter2',
        apiKey: 'abc',
        client_secret: 'x',
        host: 'db.internal',
      }),
    ).toEqual({
      user: 'app',
      password: '[REDACTED]',
      apiKey: '[REDACTED]',
      client_secret: '[REDACTED]',
      host: 'db.internal',
    });
  });

  it('redacts values that look like secrets wherever they are', () => {
    expect(
      redactSecrets({
        url: 'postgres://app:hunter2@db:5432/app',
        note: ['AKIAABCDEFGHIJKLMNOP', 'fine'],
        deep: { x: { header: `Bearer ${'a1'.repeat(12)}` } },
      }),
    ).toEqual({ url: '[REDACTED]', note: ['[REDACTED]', 'fine'], deep: { x: { header: '[REDACTED]' } } });
  });

  it('keeps secret references: they name a secret without being it', () => {
    expect(redactSecrets({ password: 'env:DB_PASSWORD', token: 'file:/run/secrets/t' })).toEqual({
      password: 'env:DB_PASSWORD',
      token: 'file:/run/secrets/t',
    });
  });

  it('redacts every item of an array under a secret-named key', () => {
    expect(redactSecrets({ passwords: ['hunter2', 'swordfish'], tokens: [['a']] })).toEqual({
      passwords: ['[REDACTED]', '[REDACTED]'],
      tokens: [['[REDACTED]']],
    });
  });

  it('redacts numbers under a secret-named key (YAML reads `password: 123456` as a number)', () => {
    expect(redactSecrets({ password: 123456, pin: 1234, port: 5432 })).toEqual({
      password: '[REDACTED]',
      pin: 1234,
      port: 5432,
    });
  });

  it('redacts every field below a secret-named key, except references', () => {
    expect(redactSecrets({ credentials: { username: 'bob', secret: 'x', ref: 'env:X', ok: true } })).toEqual({
      credentials: { username: '[REDACTED]', secret: '[REDACTED]', ref: 'env:X', ok: true },
    });
  });

  it('keeps booleans and null, even under secret-named keys (`hasPassword: false` says nothing secret)', () => {
    expect(redactSecrets({ hasPassword: false, password: null, token: true })).toEqual({
      hasPassword: false,
      password: null,
      token: true,
    });
  });

  it('redacts what the store would keep: a Date is its ISO string', () => {
    expect(redactSecrets({ at: new Date(0) })).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('leaves scalars and templates alone, and does not change its input', () => {
    expect(redactSecrets('db.internal')).toBe('db.internal');
    expect(redactSecrets(42)).toBe(42);
    expect(redactSecrets({ password: '${{ steps.read.output.password }}' })).toEqual({
      password: '${{ steps.read.output.password }}',
    });
    const input = { password: 'hunter2' };
    redactSecrets(input);
    expect(input).toEqual({ password: 'hunter2' });
  });
});
