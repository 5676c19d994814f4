import type { AccessTarget } from '../../core/access/permissions.js';
import type { Engine } from '../../engine/engine.js';
import { shadowSuffix } from '../../engine/workflow-set.js';

/** A workflow as access rules see it: its name, owner and labels. */
export type WorkflowTarget = AccessTarget & { readonly name: string };

/**
 * The access target of the workflow the engine serves under `name` (a run's `workflow`: for a
 * shadow candidate `<name>~shadow`, judged as its workflow), or undefined when the engine does
 * not serve it (a retired or unknown workflow): the caller then asks for the permission on
 * every workflow, which only unscoped roles grant.
 * @example await ctx.authorize(request, 'runs:approve', workflowTarget(ctx.engine, run.workflow))
 */
export function workflowTarget(engine: Engine, name: string): WorkflowTarget | undefined {
  const base = name.endsWith(shadowSuffix) ? name.slice(0, -shadowSuffix.length) : name;
  const compiled = engine.activeWorkflows().find((workflow) => workflow.name === base);
  if (!compiled) return undefined;
  const { owner, labels } = compiled.workflow.metadata;
  return { name: base, owner, labels };
}
