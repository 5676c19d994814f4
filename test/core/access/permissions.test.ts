import { describe, expect, it } from 'vitest';
import {
  boundSubjects,
  expandAllow,
  firstBinding,
  membersOf,
  rolePermissions,
  selectorMatches,
  selectsEverything,
  subjectAccess,
} from '../../../src/core/access/permissions.js';
import { configSchema, type Config } from '../../../src/core/model/config.js';
import { permissions } from '../../../src/core/types.js';

const config: Config = configSchema.parse({
  apiVersion: 'rectify.dev/v1',
  kind: 'Config',
  access: {
    roles: [
      {
        name: 'dba-oncall',
        allow: ['runs:read', 'runs:approve'],
        workflows: { labels: { system: 'postgres' } },
      },
      { name: 'platform-authors', allow: ['workflows:propose'], workflows: { owner: 'team:platform' } },
      { name: 'everything', allow: ['*'] },
    ],
    bindings: [
      { subject: 'user:alice', roles: ['author'] },
      { subject: 'user:bob', roles: ['reviewer', 'dba-oncall'] },
      { subject: 'user:bob', roles: ['platform-authors'] },
      { subject: 'service:ci', roles: ['author'] },
      { subject: 'team:root', roles: ['everything'] },
    ],
  },
});

const postgres = { owner: 'team:data-platform', labels: { system: 'postgres', env: 'prod' } };
const platform = { owner: 'team:platform', labels: { system: 'redis' } };

describe('selectors', () => {
  it('match every named label and the owner; absent or empty selectors match everything', () => {
    expect(selectorMatches(undefined, postgres)).toBe(true);
    expect(selectorMatches({ labels: { system: 'postgres' } }, postgres)).toBe(true);
    expect(selectorMatches({ labels: { system: 'postgres', env: 'dev' } }, postgres)).toBe(false);
    expect(selectorMatches({ labels: { system: 'postgres' } }, { owner: 'team:x', labels: undefined })).toBe(
      false,
    );
    expect(selectorMatches({ owner: 'team:platform' }, platform)).toBe(true);
    expect(selectorMatches({ owner: 'team:platform' }, postgres)).toBe(false);
    expect(selectsEverything(undefined)).toBe(true);
    expect(selectsEverything({ labels: {} })).toBe(true);
    expect(selectsEverything({ owner: 'team:platform' })).toBe(false);
  });
});

describe('permissions', () => {
  it('`*` grants everything', () => {
    expect([...expandAllow(['*'])].sort()).toEqual([...permissions].sort());
    expect([...expandAllow(['runs:read'])]).toEqual(['runs:read']);
  });

  it('resolves built-in roles, custom roles by selector, and unknown roles', () => {
    expect(rolePermissions(config, 'author', postgres)?.has('workflows:propose')).toBe(true);
    expect(rolePermissions(config, 'dba-oncall', postgres)?.has('runs:approve')).toBe(true);
    expect(rolePermissions(config, 'dba-oncall', platform)?.size).toBe(0);
    expect(rolePermissions(config, 'nobody', postgres)).toBeUndefined();
  });

  it('unites every binding of a subject, on the workflow at hand', () => {
    const onPostgres = subjectAccess(config, 'user:bob', postgres);
    expect(onPostgres.permissions.has('runs:approve')).toBe(true);
    expect(onPostgres.permissions.has('workflows:activate')).toBe(true);
    expect(onPostgres.permissions.has('workflows:propose')).toBe(false);
    expect(onPostgres.grants.map((g) => g.role)).toEqual(['reviewer', 'dba-oncall']);
    const onPlatform = subjectAccess(config, 'user:bob', platform);
    expect(onPlatform.permissions.has('workflows:propose')).toBe(true);
    expect(onPlatform.permissions.has('runs:approve')).toBe(false);
    expect(onPlatform.grants.map((g) => g.role)).toEqual(['reviewer', 'platform-authors']);
    expect(subjectAccess(config, 'user:nobody', postgres).permissions.size).toBe(0);
  });

  it('lists subjects, members and first bindings', () => {
    expect(boundSubjects(config)).toEqual(['user:alice', 'user:bob', 'service:ci', 'team:root']);
    expect(membersOf(config, 'author')).toEqual(['user:alice', 'service:ci']);
    expect(firstBinding(config, 'user:bob')).toBe(1);
    expect(firstBinding(config, 'user:zed')).toBe(-1);
  });
});
