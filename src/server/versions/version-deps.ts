import type { ActionCatalog } from '../../core/catalog/catalog.js';
import type { CompiledWorkflow } from '../../core/compile/compiled-workflow.js';
import type { Config } from '../../core/model/config.js';
import type { Clock } from '../../engine/clock.js';
import type { Store } from '../../store/store.js';

/** What change control needs of the engine: the set of active workflows it matches events against. */
export interface ActiveWorkflowsReceiver {
  replaceWorkflows(compiled: readonly CompiledWorkflow[]): unknown;
}

/**
 * What the change-control functions read: a subset of `ServerContext`, so a ServerContext can be
 * passed as it is, and tests can pass less.
 */
export interface VersionDeps {
  readonly store: Store;
  readonly config: Config;
  readonly catalog: ActionCatalog;
  readonly clock: Clock;
  readonly engine: ActiveWorkflowsReceiver;
}

/** The audit records change control writes, one per change, in the transaction of the change. */
export const VersionAuditKind = {
  proposed: 'workflow.proposed',
  activated: 'workflow.activated',
  rolledBack: 'workflow.rolled-back',
  retired: 'workflow.retired',
} as const;
