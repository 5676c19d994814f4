import { describe, expect, it } from 'vitest';
import { builtInRolePermissions, isBuiltInRole } from '../../../src/core/access/built-in-roles.js';
import { builtInRoles, permissions, type Permission } from '../../../src/core/types.js';

const of = (role: keyof typeof builtInRolePermissions) => new Set<Permission>(builtInRolePermissions[role]);
const subset = (a: Set<Permission>, b: Set<Permission>) => [...a].every((p) => b.has(p));

describe('built-in roles (spec/config.md)', () => {
  it('defines every built-in role, with known permissions only, each once', () => {
    expect(Object.keys(builtInRolePermissions).sort()).toEqual([...builtInRoles].sort());
    for (const [role, granted] of Object.entries(builtInRolePermissions)) {
      expect(new Set(granted).size, role).toBe(granted.length);
      for (const permission of granted) expect(permissions, role).toContain(permission);
    }
  });

  it('viewer reads: workflows, runs and the audit log, nothing else', () => {
    expect([...of('viewer')].sort()).toEqual(['audit:read', 'runs:read', 'workflows:read']);
  });

  it('runs ladder: viewer ⊂ responder ⊂ operator', () => {
    expect(subset(of('viewer'), of('responder'))).toBe(true);
    expect([...of('responder')].filter((p) => !of('viewer').has(p))).toEqual(['runs:approve']);
    expect(subset(of('responder'), of('operator'))).toBe(true);
    expect([...of('operator')].filter((p) => !of('responder').has(p)).sort()).toEqual([
      'control:pause',
      'runs:cancel',
      'runs:start',
    ]);
  });

  it('changes: author and reviewer each add to viewer, side by side (separation of duties)', () => {
    expect([...of('author')].filter((p) => !of('viewer').has(p))).toEqual(['workflows:propose']);
    expect([...of('reviewer')].filter((p) => !of('viewer').has(p)).sort()).toEqual([
      'workflows:activate',
      'workflows:rollback',
    ]);
    expect(of('reviewer').has('workflows:propose')).toBe(false);
    expect(of('reviewer').has('runs:approve')).toBe(false);
    expect(of('author').has('workflows:activate')).toBe(false);
    expect(of('author').has('runs:approve')).toBe(false);
  });

  it('admin holds every permission', () => {
    expect([...of('admin')].sort()).toEqual([...permissions].sort());
  });

  it('isBuiltInRole knows built-in names only', () => {
    expect(builtInRoles.every((role) => isBuiltInRole(role))).toBe(true);
    expect(isBuiltInRole('dba-oncall')).toBe(false);
    expect(isBuiltInRole('toString')).toBe(false);
  });
});
