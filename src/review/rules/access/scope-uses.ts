import type { ActionDefinition } from '../../../core/catalog/action.js';
import type { ActionCatalog } from '../../../core/catalog/catalog.js';
import type { CompiledWorkflow } from '../../../core/compile/compiled-workflow.js';
import type { PathSegment } from '../../../core/loader/source-document.js';

/** One place where a workflow acts through its credential, and the catalog scope it needs there. */
export interface ScopeUse {
  readonly scope: string;
  readonly action: ActionDefinition;
  /** Where to report it in the workflow. */
  readonly path: readonly PathSegment[];
  /** For people: "step `close`", "the rollback snapshot of step `close`", "verify", ... */
  readonly what: string;
}

/**
 * Every action a workflow performs with its credential, in document order: corroborate checks,
 * then for each step its action, the snapshot read of its catalog inverse and the rollback (the
 * catalog inverse or a custom `rollback.action`), then verify. `rollback: none` needs nothing.
 * Scopes come from the catalog (`action.scope`), never from action names.
 */
export function scopeUses(workflow: CompiledWorkflow, catalog: ActionCatalog): ScopeUse[] {
  const uses: ScopeUse[] = [];
  const add = (action: ActionDefinition | undefined, path: readonly PathSegment[], what: string) => {
    if (action) uses.push({ scope: action.scope, action, path, what });
  };
  workflow.corroborate.forEach((check, index) => {
    add(check.action, [...check.path, 'check'], `corroborate check #${index + 1}`);
  });
  for (const step of workflow.steps) {
    const actionPath = [...step.path, 'action'];
    add(step.action, actionPath, `step \`${step.id}\``);
    const rollback = step.rollback;
    if (rollback.kind === 'catalog' && rollback.action) {
      const inverse = step.action.inverse;
      const snapshot = inverse && 'action' in inverse ? inverse.snapshot : undefined;
      if (snapshot)
        add(catalog.get(snapshot.action), actionPath, `the rollback snapshot of step \`${step.id}\``);
      add(rollback.action, actionPath, `the rollback of step \`${step.id}\` (catalog inverse)`);
    } else if (rollback.kind === 'custom') {
      add(rollback.action, [...step.path, 'rollback', 'action'], `the rollback of step \`${step.id}\``);
    }
  }
  if (workflow.verify) add(workflow.verify.action, [...workflow.verify.path, 'check'], 'verify');
  return uses;
}

/** Uses grouped by scope, in order of first use. */
export function usesByScope(uses: readonly ScopeUse[]): Map<string, ScopeUse[]> {
  const grouped = new Map<string, ScopeUse[]>();
  for (const use of uses) grouped.set(use.scope, [...(grouped.get(use.scope) ?? []), use]);
  return grouped;
}

/** "a, b and c" */
export function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}
