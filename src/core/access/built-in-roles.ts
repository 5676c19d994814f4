import { Permission, permissions, type BuiltInRole } from '../types.js';

/**
 * The permissions of each built-in role (spec/config.md, "Built-in roles"): the ONE place that
 * says so. The reviewer (access/*) and the server both read this table.
 *
 * How the spec is read: `viewer (reads), responder (+ runs:approve), operator (+ runs:start,
 * runs:cancel, control:pause), author (+ workflows:propose), reviewer (+ workflows:activate,
 * workflows:rollback), admin (all)`. The "+" does NOT make one chain of six. There are two ladders
 * that start from `viewer`:
 *
 * - runs:      viewer ⊂ responder ⊂ operator (an operator who starts and cancels runs may also
 *              approve them);
 * - changes:   viewer ⊂ author, and viewer ⊂ reviewer, side by side: a reviewer cannot propose and
 *              an author cannot activate, so that binding one role each to two people separates
 *              duties.
 *
 * and `admin` holds every permission. A single chain would give every `reviewer` the author's
 * `workflows:propose` and the responder's `runs:approve`, which contradicts the spec's own example
 * (`user:bob: [reviewer, dba-oncall]`: dba-oncall exists to add runs:approve) and would make
 * separation of duties impossible with built-in roles. `viewer`'s "reads" are every `:read`
 * permission: workflows:read, runs:read and audit:read.
 */
const viewer: readonly Permission[] = [Permission.workflowsRead, Permission.runsRead, Permission.auditRead];
const responder: readonly Permission[] = [...viewer, Permission.runsApprove];

export const builtInRolePermissions: Readonly<Record<BuiltInRole, readonly Permission[]>> = {
  viewer,
  responder,
  operator: [...responder, Permission.runsStart, Permission.runsCancel, Permission.controlPause],
  author: [...viewer, Permission.workflowsPropose],
  reviewer: [...viewer, Permission.workflowsActivate, Permission.workflowsRollback],
  admin: permissions,
};

/** True for the name of a built-in role. */
export function isBuiltInRole(name: string): name is BuiltInRole {
  return Object.hasOwn(builtInRolePermissions, name);
}
