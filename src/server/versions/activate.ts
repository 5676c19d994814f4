import { ActivationKind, type VersionRow, type WorkflowRow } from '../../store/versions-store.js';
import { HttpError } from '../http-error.js';
import { publishActive, type PublishResult } from './publish-active.js';
import { VersionAuditKind, type VersionDeps } from './version-deps.js';

export interface ActivationResult {
  readonly workflow: WorkflowRow;
  readonly version: VersionRow;
  /** The version that was active before, if any. */
  readonly previous: number | null;
  readonly publish: PublishResult;
}

export interface ActivateOptions {
  /**
   * The server activates the workflows folder's files itself at its first start (GitOps: the
   * folder is the reviewed source, see syncWorkflowsFolder): separation of duties does not apply
   * to that one activation, and its audit record says `bootstrap: true`. Never set from a route.
   */
  readonly bootstrap?: boolean;
}

/**
 * Makes a reviewed version the active one and hands the engine the new set of active workflows.
 *
 * `activate` (workflows:activate): the version's review has no blocking finding, and `by` is not
 * its author (separation of duties: 403 `separation-of-duties`).
 * `rollback` (workflows:rollback): the version is EARLIER than the active one and its review has
 * no blocking finding. A version that was active before was already let through by someone other
 * than its author, so its author may roll back to it; one that never was active needs a subject
 * other than its author, as activation does.
 * @example await activateVersion(ctx, 'pg-revoke-public-create', 3, 'user:bob', 'activate')
 */
export async function activateVersion(
  deps: VersionDeps,
  name: string,
  number: number,
  by: string,
  kind: typeof ActivationKind.activate | typeof ActivationKind.rollback,
  options: ActivateOptions = {},
): Promise<ActivationResult> {
  const now = deps.clock.now();
  const done = await deps.store.transaction(async (tx) => {
    const workflow = await tx.versions.getWorkflow(name);
    if (!workflow)
      throw new HttpError(404, 'Not Found', `no workflow named ${name}`, {
        hint: 'GET /v1/workflows lists them',
      });
    const version = await tx.versions.getVersion(name, number);
    if (!version)
      throw new HttpError(404, 'Not Found', `workflow ${name} has no version ${number}`, {
        hint: `GET /v1/workflows/${name} lists its versions`,
      });
    const active = workflow.status === 'active' ? workflow.activeVersion : null;
    if (active === number)
      throw new HttpError(409, 'Conflict', `version ${number} of ${name} is already active`, {
        reason: 'already-active',
      });
    if (version.review.blocking > 0)
      throw new HttpError(
        409,
        'Conflict',
        `version ${number} of ${name} has ${version.review.blocking} blocking review finding(s) and cannot be made active`,
        {
          reason: 'blocking-findings',
          findings: version.review.findings.filter((finding) => finding.blocking),
          hint: 'fix the findings and propose a new version',
        },
      );
    if (kind === ActivationKind.rollback && (active === null || number >= active))
      throw new HttpError(
        409,
        'Conflict',
        active === null
          ? `${name} has no active version to roll back from`
          : `version ${number} is not earlier than the active version ${active} of ${name}`,
        {
          reason: 'not-a-rollback',
          hint: `activate it instead: POST /v1/workflows/${name}/versions/${number}/activate`,
        },
      );
    const wasActive = (await tx.versions.listActivations(name)).some(
      (a) => a.version === number && a.kind !== ActivationKind.retire,
    );
    // A rollback makes a version active AGAIN (spec: workflows:rollback): one never active would
    // otherwise reach production without anyone holding workflows:activate having let it.
    if (kind === ActivationKind.rollback && !wasActive)
      throw new HttpError(
        409,
        'Conflict',
        `version ${number} of ${name} was never active: it cannot be rolled back to`,
        {
          reason: 'never-active',
          hint: `activate it instead (workflows:activate, by someone other than its author): POST /v1/workflows/${name}/versions/${number}/activate`,
        },
      );
    if (version.author === by && !options.bootstrap && !(kind === ActivationKind.rollback && wasActive))
      throw new HttpError(
        403,
        'Forbidden',
        `${by} authored version ${number} of ${name} and may not make it active`,
        {
          reason: 'separation-of-duties',
          hint: 'another subject holding workflows:activate must activate it',
        },
      );

    const updated: WorkflowRow = { ...workflow, status: 'active', activeVersion: number, updatedAt: now };
    await tx.versions.saveWorkflow(updated);
    await tx.versions.recordActivation({ workflow: name, version: number, kind, by, at: now });
    await tx.appendAudit({
      at: new Date(now).toISOString(),
      kind: kind === ActivationKind.rollback ? VersionAuditKind.rolledBack : VersionAuditKind.activated,
      runId: null,
      data: {
        workflow: name,
        version: number,
        previous: active,
        contentHash: version.contentHash,
        author: version.author,
        by,
        ...(options.bootstrap ? { bootstrap: true } : {}),
      },
    });
    return { workflow: updated, version, previous: active };
  });
  return { ...done, publish: await publishActive(deps) };
}
