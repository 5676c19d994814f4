import { describe, expect, it } from 'vitest';
import { literalSecretKind } from '../../../src/core/secrets.js';
import { findLiteralSecrets } from '../../../src/review/rules/secrets/literal-secret.js';

/** The patterns of src/core/secrets.ts, shared by the config loader and secrets/literal-secret. */
describe('literalSecretKind', () => {
  it.each([
    ['postgres://admin:hunter2@db.internal/app', 'a URL with a password'],
    ['see postgres://admin:hunter2@db.internal/app for details', 'a URL with a password'],
    ['"redis://:s3cr3t-pass@cache:6379"', 'a URL with a password'],
    ['https://api.example.com/v1/hook?token=9f8e7d6c5b4a', 'a URL with a secret query parameter'],
    [
      'https://x.blob.core.windows.net/c?sv=2022&sig=AbCdEf0123456789%3D',
      'a URL with a secret query parameter',
    ],
    ['Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0', 'an HTTP authorization credential'],
    ['Basic dXNlcjpwYXNzd29yZDEyMzQ1Njc4', 'an HTTP authorization credential'],
    ['AKIAABCDEFGHIJKLMNOP', 'an AWS access key id'],
    ['ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', 'a GitHub token'],
    ['xoxb-2048-4096-abcdefghijkl', 'a Slack token'],
    ['glpat-abcdefghij0123456789', 'a GitLab token'],
    ['npm_0123456789abcdefghijklmnopqrstuvwxyz', 'an npm token'],
    ['sk_live_0123456789abcdefghijKLMN', 'a Stripe secret key'],
    ['AIzaSyA0123456789abcdefghijklmnopqrstuv', 'a Google API key'],
    ['sk-proj-0123456789abcdefghijklmnopqrstuvwxyzABCDEF', 'an OpenAI or Anthropic API key'],
    [
      'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH==',
      'an Azure storage account key',
    ],
  ])('%s is %s', (value, kind) => {
    expect(literalSecretKind(undefined, value)).toBe(kind);
  });

  it.each([
    'postgres://rectify@db.internal/rectify',
    'postgres://rectify:$PGPASSWORD@db.internal/rectify',
    'postgres://rectify:${PGPASSWORD}@db.internal/rectify',
    'postgres://rectify:<password>@db.internal/rectify',
    'postgres://rectify:****@db.internal/rectify',
    'postgres://rectify:xxxx@db.internal/rectify',
    'http://127.0.0.1:7070',
    'https://oncall.example.internal/hooks/rectify?team=secops',
    'https://oncall.example.internal/hooks?token=$TOKEN',
    'Bearer authentication is required',
    'the connection sends `Authorization: Bearer <token>`',
    'Revoke the leaked token and rotate the password.',
    'task-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH',
    'env:AM_TOKEN',
    'file:/run/secrets/github-hook',
  ])('%s is not a secret by its shape', (value) => {
    expect(literalSecretKind(undefined, value)).toBeUndefined();
  });

  it('reads a value under a secret-named key as a secret, but never a reference or a template', () => {
    expect(literalSecretKind('password', 'Winter2027!')).toBe('a value under a secret-named key');
    expect(literalSecretKind('Authorization', 'token abc')).toBe('a value under a secret-named key');
    expect(literalSecretKind('passphrase', 'correct horse')).toBe('a value under a secret-named key');
    expect(literalSecretKind('password', 'env:PASSWORD')).toBeUndefined();
    expect(literalSecretKind('password', '${{ event.data.x }}')).toBeUndefined();
    expect(literalSecretKind('secretType', 'postgres_connection_string')).toBeUndefined();
  });
});

describe('findLiteralSecrets', () => {
  it('finds secrets in templated strings by their shape, and numbers under secret keys of `with`', () => {
    const found = findLiteralSecrets({
      metadata: { description: 'token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' },
      spec: {
        credentials: 'sandbox-remediator',
        steps: [
          {
            with: {
              headers: { Authorization: 'Bearer ${{ event.data.t }}', 'X-Api-Key': 'k3y-live-2b7e' },
              text: 'at https://ops:Hunter22@wiki.internal/x for ${{ event.resource.id }}',
              expr: '${{ event.data.t == "xoxb-2048-4096-abcdefghijkl" }}',
              password: 20261127,
              maxTokens: 4096,
              pin: true,
            },
          },
        ],
      },
    });
    expect(found.map((f) => [f.path.join('.'), f.kind])).toEqual([
      ['metadata.description', 'a GitHub token'],
      ['spec.steps.0.with.headers.X-Api-Key', 'a value under a secret-named key'],
      ['spec.steps.0.with.text', 'a URL with a password'],
      ['spec.steps.0.with.expr', 'a Slack token'],
      ['spec.steps.0.with.password', 'a value under a secret-named key'],
    ]);
  });

  it('reads keys only under `with`: `credentials: <name>` is not a secret', () => {
    expect(findLiteralSecrets({ spec: { credentials: 'pg-remediator' }, labels: { token: 'none' } })).toEqual(
      [],
    );
  });

  it('reads a cycle of aliased values once', () => {
    const cyclic: Record<string, unknown> = {
      description: 'token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
    };
    cyclic.self = cyclic;
    expect(findLiteralSecrets(cyclic).map((f) => f.path.join('.'))).toEqual(['description']);
  });
});
