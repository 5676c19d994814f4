import { builtInRolePermissions, isBuiltInRole } from '../../core/access/built-in-roles.js';
import {
  expandAllow,
  selectsEverything,
  subjectAccess,
  type AccessTarget,
} from '../../core/access/permissions.js';
import type { Config } from '../../core/model/config.js';
import type { Permission } from '../../core/types.js';

/**
 * Whether a subject holds a permission: on one workflow (its owner and labels decide which
 * label-scoped roles apply), or, with no workflow, everywhere.
 *
 * A permission asked for with no workflow (listing every run, the kill switch, tokens) is held
 * only through a role that applies to EVERY workflow: a built-in role, or a custom role without
 * a `workflows` selector. A role scoped to `system: postgres` grants nothing global.
 *
 * `bootstrapAdmin`: the bootstrap token's subject holds the built-in `admin` role whatever the
 * config binds (docs/server.md, "The bootstrap token").
 * @example holdsPermission(config, 'user:bob', 'runs:approve', { owner: 'team:db', labels: { system: 'postgres' } }, false)
 */
export function holdsPermission(
  config: Config,
  subject: string,
  permission: Permission,
  target: AccessTarget | undefined,
  bootstrapAdmin: boolean,
): boolean {
  if (bootstrapAdmin) return true;
  if (target) return subjectAccess(config, subject, target).permissions.has(permission);
  return globalPermissions(config, subject).has(permission);
}

/** What a subject holds on every workflow: from built-in roles and unscoped custom roles. */
export function globalPermissions(config: Config, subject: string): ReadonlySet<Permission> {
  const held = new Set<Permission>();
  for (const binding of config.access?.bindings ?? []) {
    if (binding.subject !== subject) continue;
    for (const roleName of binding.roles) {
      if (isBuiltInRole(roleName)) {
        for (const permission of builtInRolePermissions[roleName]) held.add(permission);
        continue;
      }
      const role = config.access?.roles.find((r) => r.name === roleName);
      if (role && selectsEverything(role.workflows))
        for (const permission of expandAllow(role.allow)) held.add(permission);
    }
  }
  return held;
}
