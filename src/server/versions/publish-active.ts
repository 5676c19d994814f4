import type { CompiledWorkflow } from '../../core/compile/compiled-workflow.js';
import type { Diagnostic } from '../../core/loader/diagnostic.js';
import { loadDocument } from '../../core/loader/load-document.js';
import type { VersionDeps } from './version-deps.js';

export interface PublishResult {
  /** Names of the workflows the engine now runs. */
  readonly published: readonly string[];
  /**
   * Active versions that no longer load (the catalog changed under them since they were
   * reviewed): the engine does NOT run them; the caller logs these loudly.
   */
  readonly failed: readonly {
    readonly name: string;
    readonly version: number;
    readonly diagnostics: readonly Diagnostic[];
  }[];
}

/** One queue per store: publications run one after another, each reading the state at its turn. */
const queues = new WeakMap<object, Promise<unknown>>();

/**
 * Hands the engine the active version of every active workflow, compiled from the stored text.
 * Call it after every commit that changes which version is active (activate, rollback, retire).
 *
 * Invariant: publications are serialised per store and each reads the committed state when its
 * turn comes, so the last one to run always publishes the newest state, whatever order the
 * changes that asked for them committed in.
 * @example await publishActive(ctx)
 */
export function publishActive(deps: VersionDeps): Promise<PublishResult> {
  const previous = queues.get(deps.store) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => publishNow(deps));
  queues.set(deps.store, next);
  return next;
}

async function publishNow(deps: VersionDeps): Promise<PublishResult> {
  const active = await deps.store.transaction((tx) => tx.versions.activeVersions());
  const compiled: CompiledWorkflow[] = [];
  const failed: { name: string; version: number; diagnostics: Diagnostic[] }[] = [];
  for (const version of active) {
    const result = loadDocument(`${version.workflow}.yaml`, version.content, {
      catalog: deps.catalog,
      expect: 'Workflow',
    });
    if (result.document?.kind === 'Workflow') compiled.push(result.document.workflow);
    else
      failed.push({
        name: version.workflow,
        version: version.version,
        diagnostics: result.diagnostics.filter((d) => d.severity === 'error'),
      });
  }
  await deps.engine.replaceWorkflows(compiled);
  return { published: compiled.map((workflow) => workflow.name), failed };
}
