import { ActivationKind, type WorkflowRow } from '../../store/versions-store.js';
import { HttpError } from '../http-error.js';
import { publishActive, type PublishResult } from './publish-active.js';
import { VersionAuditKind, type VersionDeps } from './version-deps.js';

/**
 * Retires a workflow (workflows:delete): the engine stops matching events against it; its
 * versions, reviews and activations stay, and a later activation of one of its versions brings
 * it back. Runs already under way finish under the version they started with.
 * @example await retireWorkflow(ctx, 'pg-revoke-public-create', 'user:bob')
 */
export async function retireWorkflow(
  deps: VersionDeps,
  name: string,
  by: string,
): Promise<{ workflow: WorkflowRow; previous: number | null; publish: PublishResult }> {
  const now = deps.clock.now();
  const done = await deps.store.transaction(async (tx) => {
    const workflow = await tx.versions.getWorkflow(name);
    if (!workflow)
      throw new HttpError(404, 'Not Found', `no workflow named ${name}`, {
        hint: 'GET /v1/workflows lists them',
      });
    if (workflow.status === 'retired')
      throw new HttpError(409, 'Conflict', `${name} is retired already`, { reason: 'already-retired' });
    const previous = workflow.status === 'active' ? workflow.activeVersion : null;
    const updated: WorkflowRow = { ...workflow, status: 'retired', activeVersion: null, updatedAt: now };
    await tx.versions.saveWorkflow(updated);
    await tx.versions.recordActivation({
      workflow: name,
      version: previous,
      kind: ActivationKind.retire,
      by,
      at: now,
    });
    await tx.appendAudit({
      at: new Date(now).toISOString(),
      kind: VersionAuditKind.retired,
      runId: null,
      data: { workflow: name, previous, by },
    });
    return { workflow: updated, previous };
  });
  return { ...done, publish: await publishActive(deps) };
}
