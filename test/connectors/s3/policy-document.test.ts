import { describe, expect, it } from 'vitest';
import { summariseAcl } from '../../../src/connectors/s3/acl-grants.js';
import { policyVerdict, withoutPublicStatements } from '../../../src/connectors/s3/policy-document.js';

const statement = (extra: Record<string, unknown>) => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::b/*',
  ...extra,
});
const policy = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('policyVerdict', () => {
  it.each([
    ['Principal "*"', statement({ Principal: '*' }), true],
    ['Principal { AWS: "*" }', statement({ Principal: { AWS: '*' } }), true],
    ['Principal { AWS: [..., "*"] }', statement({ Principal: { AWS: ['arn:aws:iam::1:root', '*'] } }), true],
    ['NotPrincipal', statement({ NotPrincipal: { AWS: 'arn:aws:iam::1:root' } }), true],
    ['an empty Condition', statement({ Principal: '*', Condition: {} }), true],
    ['a named account', statement({ Principal: { AWS: 'arn:aws:iam::1:root' } }), false],
    [
      'a Condition',
      statement({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
      false,
    ],
    ['Deny to everyone', statement({ Principal: '*', Effect: 'Deny' }), false],
  ])('%s -> public: %s', (_name, s, expected) => {
    expect(policyVerdict(policy(s)).isPublic).toBe(expected);
  });

  it('names the public statements by Sid, or by index', () => {
    expect(
      policyVerdict(policy(statement({ Sid: 'Web', Principal: '*' }), statement({ Principal: '*' })))
        .publicStatements,
    ).toEqual(['Web', '#1']);
  });

  it('no policy, or one that is not JSON, is not public', () => {
    expect(policyVerdict(null)).toEqual({ isPublic: false, publicStatements: [] });
    expect(policyVerdict('{not json').isPublic).toBe(false);
  });
});

describe('withoutPublicStatements', () => {
  it('keeps every other statement and field', () => {
    const named = statement({ Sid: 'Partner', Principal: { AWS: 'arn:aws:iam::1:root' } });
    const result = withoutPublicStatements(policy(statement({ Sid: 'Web', Principal: '*' }), named));
    expect(result.removed).toEqual(['Web']);
    expect(JSON.parse(result.remaining ?? 'null')).toEqual({ Version: '2012-10-17', Statement: [named] });
  });

  it('answers null when nothing is left, and the text unchanged when nothing is public', () => {
    expect(withoutPublicStatements(policy(statement({ Principal: '*' })))).toEqual({
      remaining: null,
      removed: ['#0'],
    });
    const privateOnly = policy(statement({ Principal: { AWS: 'arn:aws:iam::1:root' } }));
    expect(withoutPublicStatements(privateOnly)).toEqual({ remaining: privateOnly, removed: [] });
  });
});

describe('summariseAcl', () => {
  const owner = {
    Grantee: { Type: 'CanonicalUser' as const, ID: 'owner' },
    Permission: 'FULL_CONTROL' as const,
  };
  const group = (uri: string, permission: 'READ' | 'WRITE') => ({
    Grantee: { Type: 'Group' as const, URI: `http://acs.amazonaws.com/groups/global/${uri}` },
    Permission: permission,
  });

  it.each([
    ['private', [owner], false, false],
    ['public-read', [owner, group('AllUsers', 'READ')], true, false],
    ['public-read-write', [owner, group('AllUsers', 'READ'), group('AllUsers', 'WRITE')], true, true],
    ['authenticated-read', [owner, group('AuthenticatedUsers', 'READ')], true, false],
  ] as const)('%s', (canned, grants, read, write) => {
    expect(summariseAcl('owner', grants)).toMatchObject({
      cannedAcl: canned,
      publicRead: read,
      publicWrite: write,
    });
  });

  it('grants that match no canned ACL say so (null), so an undo refuses rather than guess', () => {
    expect(summariseAcl('owner', [owner, group('AllUsers', 'WRITE')]).cannedAcl).toBeNull();
    expect(summariseAcl('someone-else', [owner]).cannedAcl).toBeNull();
  });
});
