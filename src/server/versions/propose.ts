import type { WorkflowMode } from '../../core/types.js';
import type { StoreTransaction } from '../../store/store.js';
import { ActivationKind, type VersionRow, type WorkflowRow } from '../../store/versions-store.js';
import { HttpError } from '../http-error.js';
import { contentHash } from './content-hash.js';
import { todayOf } from './overdue.js';
import { reviewProposal, type LoadedProposal, type ProposalInput } from './review-proposal.js';
import { VersionAuditKind, type VersionDeps } from './version-deps.js';

export type ProposeResult =
  | { readonly kind: 'unchanged'; readonly version: VersionRow; readonly workflow: WorkflowRow }
  | { readonly kind: 'proposed'; readonly version: VersionRow; readonly workflow: WorkflowRow };

export interface ProposeOptions {
  /**
   * Review without the version history (the rule `change/enforce-without-dry-run-history` does
   * not run), as `rectify review` does: only for the first start from the workflows folder,
   * whose files are the reviewed source (see syncWorkflowsFolder).
   */
  readonly withoutHistory?: boolean;
}

/**
 * Proposes a loaded workflow as a new immutable version authored by `author`, reviewed with the
 * server's config. Identical text to the latest version is not a new version (`unchanged`).
 *
 * The review runs between two transactions (it is CPU work that must not hold the store); the
 * second one refuses with 409 if another version was proposed meanwhile.
 * @example
 * const loaded = loadProposal({ content }, ctx.catalog)
 * if (loaded.ok) await proposeVersion(ctx, loaded, { content }, 'user:alice')
 */
export async function proposeVersion(
  deps: VersionDeps,
  loaded: Extract<LoadedProposal, { ok: true }>,
  input: ProposalInput,
  author: string,
  options: ProposeOptions = {},
): Promise<ProposeResult> {
  const name = loaded.compiled.name;
  const hash = contentHash(input.content);
  const before = await deps.store.transaction(async (tx) => ({
    workflow: await tx.versions.getWorkflow(name),
    latest: await tx.versions.latestVersion(name),
    history: await activatedModes(tx, name),
  }));
  if (before.workflow && before.latest?.contentHash === hash)
    return { kind: 'unchanged', version: before.latest, workflow: before.workflow };

  const now = deps.clock.now();
  const review = reviewProposal(loaded, {
    catalog: deps.catalog,
    config: deps.config,
    today: todayOf(now),
    history: options.withoutHistory ? undefined : before.history,
  });
  const metadata = loaded.compiled.workflow.metadata;
  return deps.store.transaction(async (tx) => {
    const latest = await tx.versions.latestVersion(name);
    if ((latest?.version ?? 0) !== (before.latest?.version ?? 0))
      throw new HttpError(409, 'Conflict', `another version of ${name} was proposed meanwhile`, {
        reason: 'concurrent-proposal',
        hint: 'propose again: the new version is then compared with the newest one',
      });
    const version: VersionRow = {
      workflow: name,
      version: (latest?.version ?? 0) + 1,
      content: input.content,
      contentHash: hash,
      tests: input.tests ?? null,
      author,
      createdAt: now,
      mode: loaded.compiled.mode,
      owner: metadata.owner,
      labels: metadata.labels ?? {},
      reviewBy: metadata.reviewBy,
      review,
    };
    const workflow: WorkflowRow = (await tx.versions.getWorkflow(name)) ?? {
      name,
      status: 'proposed',
      activeVersion: null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.versions.saveWorkflow({ ...workflow, updatedAt: now });
    await tx.versions.insertVersion(version);
    await tx.appendAudit({
      at: new Date(now).toISOString(),
      kind: VersionAuditKind.proposed,
      runId: null,
      data: {
        workflow: name,
        version: version.version,
        contentHash: hash,
        author,
        mode: version.mode,
        review: { blocking: review.blocking, findings: review.findings.length },
      },
    });
    return { kind: 'proposed', version, workflow: { ...workflow, updatedAt: now } };
  });
}

/** Modes of the versions that were ever made active, in order: the history the review reads. */
async function activatedModes(tx: StoreTransaction, name: string): Promise<{ mode: WorkflowMode }[]> {
  const activations = await tx.versions.listActivations(name);
  const versions = new Map((await tx.versions.listVersions(name)).map((v) => [v.version, v]));
  return activations
    .filter((a) => a.kind !== ActivationKind.retire && a.version !== null)
    .map((a) => versions.get(a.version ?? 0))
    .filter((v) => v !== undefined)
    .map((v) => ({ mode: v.mode as WorkflowMode }));
}
