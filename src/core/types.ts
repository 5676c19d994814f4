/**
 * Rectify's vocabulary. Every other module uses these words in these meanings.
 *
 * - **event**: one observation delivered by a source, in the envelope of `model/event.ts`
 *   (id, source, type, time, severity, resource, data).
 * - **source**: a named origin of events in the config (webhook, schedule scan, NATS subject).
 * - **finding**: an event that says something is wrong (a public bucket, a role that can log in).
 * - **workflow**: a YAML document saying when to act, whether it is safe to, what to do, how to
 *   know it worked, and who hears about it (`spec/workflow.md`).
 * - **version**: one immutable revision of a workflow, identified by its content hash.
 * - **run**: one execution of one workflow version for one event; it ends in an outcome.
 * - **step**: one entry of `spec.steps`; it calls one action.
 * - **attempt**: one call of a step's action; a step with retries has several.
 * - **action**: an operation a connector offers (`postgres.schema.revoke`), described as data in
 *   the action catalog: schemas, effect, idempotency, sensitive parameters, scope, inverse.
 * - **connector**: the code that performs a family of actions against one kind of system.
 * - **credential**: a named, scoped secret reference in the config that a connector uses.
 * - **drill**: a generated negative scenario (`rectify test`) that checks a workflow stays safe.
 * - **audit record**: one hash-chained entry of the tamper-evident log of every decision.
 */

/** How a workflow acts on the events it matches. */
export const WorkflowMode = {
  enforce: 'enforce',
  dryRun: 'dry-run',
  shadow: 'shadow',
  disabled: 'disabled',
} as const;
export type WorkflowMode = (typeof WorkflowMode)[keyof typeof WorkflowMode];

/** What an action does to the world; the reviewer and the engine read it from the catalog. */
export const ActionEffect = {
  read: 'read',
  write: 'write',
  destructive: 'destructive',
} as const;
export type ActionEffect = (typeof ActionEffect)[keyof typeof ActionEffect];

/** Every way a run can end, or wait (spec/workflow.md, "Run outcomes"). */
export const RunOutcome = {
  succeeded: 'succeeded',
  failed: 'failed',
  compensated: 'compensated',
  unverified: 'unverified',
  skipped: 'skipped',
  exempted: 'exempted',
  deduplicated: 'deduplicated',
  rateLimited: 'rate-limited',
  awaitingApproval: 'awaiting_approval',
  rejected: 'rejected',
  dryRun: 'dry-run',
  cancelled: 'cancelled',
  paused: 'paused',
  needsAttention: 'needs_attention',
  /** Succeeded, then undone on demand by a person (`rectify runs rollback`): the system is as before. */
  rolledBack: 'rolled-back',
} as const;
export type RunOutcome = (typeof RunOutcome)[keyof typeof RunOutcome];
export const runOutcomes = Object.values(RunOutcome);

/** Event severities, lowest first. */
export const Severity = {
  info: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];
export const severities = Object.values(Severity);

/** Permissions of config.md, "Permissions". */
export const Permission = {
  workflowsRead: 'workflows:read',
  workflowsPropose: 'workflows:propose',
  workflowsActivate: 'workflows:activate',
  workflowsRollback: 'workflows:rollback',
  workflowsDelete: 'workflows:delete',
  runsRead: 'runs:read',
  runsStart: 'runs:start',
  runsApprove: 'runs:approve',
  runsCancel: 'runs:cancel',
  controlPause: 'control:pause',
  auditRead: 'audit:read',
  accessAdmin: 'access:admin',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];
export const permissions = Object.values(Permission);

export const builtInRoles = ['viewer', 'responder', 'operator', 'author', 'reviewer', 'admin'] as const;
export type BuiltInRole = (typeof builtInRoles)[number];
