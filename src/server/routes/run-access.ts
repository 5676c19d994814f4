import type { FastifyRequest } from 'fastify';
import type { AuditRecord } from '../../audit/audit-record.js';
import type { Config } from '../../core/model/config.js';
import type { Permission } from '../../core/types.js';
import type { RunRow } from '../../store/store.js';
import { workflowTarget } from '../auth/workflow-target.js';
import { HttpError } from '../http-error.js';
import type { Principal, ServerContext } from '../server-context.js';

/**
 * Loads a run and authorises the request on the run's workflow. The decision comes first (a
 * missing run is judged as "every workflow"), so that nobody learns which run ids exist without
 * the permission to see them; then 404.
 * @example const { run, principal } = await authorizedRun(ctx, request, runId, 'runs:cancel')
 */
export async function authorizedRun(
  ctx: ServerContext,
  request: FastifyRequest,
  runId: string,
  permission: Permission,
): Promise<{ run: RunRow; principal: Principal }> {
  const run = await ctx.store.transaction((tx) => tx.getRun(runId));
  const principal = await ctx.authorize(request, permission, run && workflowTarget(ctx.engine, run.workflow));
  if (!run) throw new HttpError(404, 'Not Found', `no run ${runId}`, { hint: 'GET /v1/runs lists them' });
  return { run, principal };
}

/** The latest `approval.requested` record of a run: its preview and approvers. */
export function approvalRequest(audit: readonly AuditRecord[]): AuditRecord | undefined {
  return audit.filter((record) => record.kind === 'approval.requested').at(-1);
}

/**
 * True when the workflow's `approval.approvers` admit the subject: no list admits everyone with
 * runs:approve; `user:<u>` names a subject, `role:<r>` every subject the config binds to `r`
 * (and the bootstrap token's subject for `role:admin`).
 * @example mayApprove(config, 'user:bob', ['role:dba-oncall'])
 */
export function mayApprove(
  config: Config,
  subject: string,
  approvers: readonly string[],
  /** Roles held outside the config: `admin` for the bootstrap token. */
  extraRoles: readonly string[] = [],
): boolean {
  if (approvers.length === 0) return true;
  const roles = new Set([
    ...extraRoles,
    ...(config.access?.bindings ?? []).filter((b) => b.subject === subject).flatMap((b) => b.roles),
  ]);
  return approvers.some(
    (approver) => approver === subject || (approver.startsWith('role:') && roles.has(approver.slice(5))),
  );
}
