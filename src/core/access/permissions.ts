import type { Config } from '../model/config.js';
import { permissions, type Permission } from '../types.js';
import { builtInRolePermissions, isBuiltInRole } from './built-in-roles.js';

/** A role defined under `access.roles` of the config. */
export type RoleConfig = NonNullable<Config['access']>['roles'][number];
export type RoleSelector = RoleConfig['workflows'];

/** What access rules select a workflow by (spec/workflow.md, `metadata`). */
export interface AccessTarget {
  readonly owner: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
}

/**
 * True when a role's `workflows` selector applies to the workflow: every label it names has that
 * value on the workflow, and its owner (when given) is the workflow's owner. No selector, or an
 * empty one, applies to every workflow.
 */
export function selectorMatches(selector: RoleSelector, target: AccessTarget): boolean {
  if (!selector) return true;
  if (selector.owner !== undefined && selector.owner !== target.owner) return false;
  return Object.entries(selector.labels ?? {}).every(([key, value]) => target.labels?.[key] === value);
}

/** True when a selector limits nothing: absent, or with neither labels nor an owner. */
export function selectsEverything(selector: RoleSelector): boolean {
  return !selector || (selector.owner === undefined && Object.keys(selector.labels ?? {}).length === 0);
}

/** The permissions an `allow` list grants; `*` grants every permission. */
export function expandAllow(allow: readonly string[]): ReadonlySet<Permission> {
  if (allow.includes('*')) return new Set(permissions);
  return new Set(permissions.filter((permission) => allow.includes(permission)));
}

/**
 * What a role grants on one workflow: a built-in role everything of its table; a custom role its
 * `allow` list when its selector applies, nothing otherwise. Undefined for a role that is not
 * defined (the config loader reports those).
 */
export function rolePermissions(
  config: Config,
  roleName: string,
  target: AccessTarget,
): ReadonlySet<Permission> | undefined {
  if (isBuiltInRole(roleName)) return new Set(builtInRolePermissions[roleName]);
  const role = config.access?.roles.find((r) => r.name === roleName);
  if (!role) return undefined;
  return selectorMatches(role.workflows, target) ? expandAllow(role.allow) : new Set();
}

/** One role of a subject that grants something on the workflow. */
export interface RoleGrant {
  readonly role: string;
  readonly permissions: ReadonlySet<Permission>;
}

/** Everything a subject may do on one workflow, over all its bindings, and which role grants what. */
export interface SubjectAccess {
  readonly subject: string;
  readonly permissions: ReadonlySet<Permission>;
  /** Roles that grant at least one permission on the workflow, in binding order. */
  readonly grants: readonly RoleGrant[];
}

/**
 * Resolves a subject's bindings to permissions on one workflow. A subject bound in several
 * bindings holds the union. Team membership is not known to the config: a `team:x` binding is
 * resolved for the subject `team:x` only.
 */
export function subjectAccess(config: Config, subject: string, target: AccessTarget): SubjectAccess {
  const all = new Set<Permission>();
  const grants: RoleGrant[] = [];
  const seen = new Set<string>();
  for (const binding of config.access?.bindings ?? []) {
    if (binding.subject !== subject) continue;
    for (const role of binding.roles) {
      if (seen.has(role)) continue;
      seen.add(role);
      const granted = rolePermissions(config, role, target);
      if (!granted || granted.size === 0) continue;
      grants.push({ role, permissions: granted });
      for (const permission of granted) all.add(permission);
    }
  }
  return { subject, permissions: all, grants };
}

/** Every subject bound to at least one role, once each, in the order of their first binding. */
export function boundSubjects(config: Config): string[] {
  return [...new Set((config.access?.bindings ?? []).map((binding) => binding.subject))];
}

/** Subjects bound to a role, in binding order. */
export function membersOf(config: Config, roleName: string): string[] {
  return [
    ...new Set(
      (config.access?.bindings ?? [])
        .filter((binding) => binding.roles.includes(roleName))
        .map((binding) => binding.subject),
    ),
  ];
}

/** Index of the first binding of a subject, or -1. */
export function firstBinding(config: Config, subject: string): number {
  return (config.access?.bindings ?? []).findIndex((binding) => binding.subject === subject);
}
