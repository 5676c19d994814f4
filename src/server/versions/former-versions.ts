import type { ActionCatalog } from '../../core/catalog/catalog.js';
import type { CompiledWorkflow } from '../../core/compile/compiled-workflow.js';
import { loadDocument } from '../../core/loader/load-document.js';
import { versionOf, workflowKey } from '../../engine/workflow-set.js';
import type { Store } from '../../store/store.js';

/**
 * The compiled versions that unfinished runs were started on but that are no longer active (a
 * newer version was activated, or the workflow retired, while they slept or waited for approval).
 * Handed to the engine at start so those runs finish on the version they started with instead of
 * ending `needs_attention` for want of it. Versions are immutable, so the stored text compiles to
 * the same workflow the run began with (same `versionOf`), unless the catalog changed since: then
 * it is not found, and the run needs attention as before.
 * @example const former = await formerVersions(store, catalog, active)
 */
export async function formerVersions(
  store: Store,
  catalog: ActionCatalog,
  active: readonly CompiledWorkflow[],
): Promise<CompiledWorkflow[]> {
  const held = new Set(active.map((w) => `${workflowKey(w)}@${versionOf(w)}`));
  const wanted = new Map<string, Set<string>>();
  const stored = await store.transaction(async (tx) => {
    for (const run of await tx.unfinishedRuns()) {
      if (held.has(`${run.workflow}@${run.version}`)) continue;
      const name = run.workflow.replace(/~shadow$/, '');
      wanted.set(name, (wanted.get(name) ?? new Set()).add(run.version));
    }
    const rows = [];
    for (const name of wanted.keys()) rows.push(...(await tx.versions.listVersions(name)));
    return rows;
  });
  const found: CompiledWorkflow[] = [];
  for (const row of stored) {
    const loaded = loadDocument(`${row.workflow}.yaml`, row.content, { catalog, expect: 'Workflow' });
    if (loaded.document?.kind !== 'Workflow') continue;
    const compiled = loaded.document.workflow;
    if (wanted.get(row.workflow)?.has(versionOf(compiled))) found.push(compiled);
  }
  return found;
}
