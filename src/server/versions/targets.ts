import { SourceDocument } from '../../core/loader/source-document.js';
import type { StoreTransaction } from '../../store/store.js';
import type { VersionRow } from '../../store/versions-store.js';
import type { WorkflowTarget } from '../auth/workflow-target.js';

/** The access target of a stored version: its name, owner and labels. */
export function targetOf(version: VersionRow): WorkflowTarget {
  return { name: version.workflow, owner: version.owner, labels: version.labels };
}

/** The access target of a workflow as it stands: its active version's, else its latest's. */
export async function currentTarget(tx: StoreTransaction, name: string): Promise<WorkflowTarget | undefined> {
  const workflow = await tx.versions.getWorkflow(name);
  if (!workflow) return undefined;
  const version =
    workflow.activeVersion === null
      ? await tx.versions.latestVersion(name)
      : await tx.versions.getVersion(name, workflow.activeVersion);
  return version && targetOf(version);
}

/**
 * The name, owner and labels a proposed text declares, read from its YAML before (and whether
 * or not) it validates: permissions are checked on them before the server says anything about
 * the text. Undefined when the text does not even name a workflow and an owner.
 */
export function declaredTarget(content: string): WorkflowTarget | undefined {
  const { source } = SourceDocument.parse('proposal.yaml', content);
  const metadata = (source.value as { metadata?: Record<string, unknown> } | null | undefined)?.metadata;
  if (!metadata || typeof metadata !== 'object') return undefined;
  const { name, owner, labels } = metadata;
  if (typeof name !== 'string' || typeof owner !== 'string') return undefined;
  const stringLabels =
    labels && typeof labels === 'object' && !Array.isArray(labels)
      ? Object.fromEntries(
          Object.entries(labels as Record<string, unknown>).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        )
      : undefined;
  return { name, owner, labels: stringLabels };
}

/** Distinct targets, so that one permission is checked (and audited) once per distinct scope. */
export function distinctTargets(targets: readonly (WorkflowTarget | undefined)[]): WorkflowTarget[] {
  const seen = new Map<string, WorkflowTarget>();
  for (const target of targets) {
    if (!target) continue;
    const labels = Object.entries(target.labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
    seen.set(JSON.stringify([target.name, target.owner, labels]), target);
  }
  return [...seen.values()];
}
