import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json.js';
import type { CompiledWorkflow } from '../core/compile/compiled-workflow.js';

/** A workflow the engine runs, with the version id its runs record. */
export interface LoadedWorkflow {
  /**
   * What runs record as their workflow: the name, or `<name>~shadow` for a shadow candidate that
   * runs beside the enforcing version of the same name (its own runs, limits and dedupe).
   */
  readonly key: string;
  readonly compiled: CompiledWorkflow;
  /** Content hash of the workflow as written: the same text is the same version everywhere. */
  readonly version: string;
}

/**
 * The workflows an engine serves, indexed by (source, type) so that matching an event costs a
 * map lookup plus the CEL `match` of the few workflows that listen to it.
 */
export class WorkflowSet {
  private readonly byName = new Map<string, LoadedWorkflow>();
  private readonly index = new Map<string, LoadedWorkflow[]>();
  private readonly wildcards = new Map<string, { pattern: RegExp; workflow: LoadedWorkflow }[]>();
  /**
   * Every version this set has served, by `<key>@<version>`: a run keeps running the version it
   * started with after another is activated (it sleeps, waits for approval, or is rolled back).
   */
  private readonly versions = new Map<string, LoadedWorkflow>();

  constructor(workflows: readonly CompiledWorkflow[], former: readonly CompiledWorkflow[] = []) {
    for (const compiled of former) {
      const loaded = { key: workflowKey(compiled), compiled, version: versionOf(compiled) };
      this.versions.set(`${loaded.key}@${loaded.version}`, loaded);
    }
    this.replace(workflows);
  }

  /** Makes `workflows` the active set; earlier versions stay reachable through `getVersion`. */
  replace(workflows: readonly CompiledWorkflow[]): void {
    this.byName.clear();
    this.index.clear();
    this.wildcards.clear();
    for (const compiled of workflows) {
      const loaded = { key: workflowKey(compiled), compiled, version: versionOf(compiled) };
      this.byName.set(loaded.key, loaded);
      this.versions.set(`${loaded.key}@${loaded.version}`, loaded);
      if (compiled.mode === 'disabled') continue;
      const source = compiled.workflow.spec.trigger.source;
      for (const type of compiled.workflow.spec.trigger.types) {
        if (type.includes('*')) {
          const pattern = new RegExp(`^${type.split('*').map(escapeRegExp).join('.*')}$`);
          this.wildcards.set(source, [...(this.wildcards.get(source) ?? []), { pattern, workflow: loaded }]);
        } else {
          const key = `${source}\u0000${type}`;
          this.index.set(key, [...(this.index.get(key) ?? []), loaded]);
        }
      }
    }
  }

  /** Workflows listening to this source and type (before their `match`). */
  candidates(source: string, type: string): LoadedWorkflow[] {
    const exact = this.index.get(`${source}\u0000${type}`) ?? [];
    const wild = (this.wildcards.get(source) ?? [])
      .filter((w) => w.pattern.test(type))
      .map((w) => w.workflow);
    return wild.length === 0 ? exact : [...new Set([...exact, ...wild])];
  }

  /** The active version of a workflow (by its key). */
  get(name: string): LoadedWorkflow | undefined {
    return this.byName.get(name);
  }

  /** A version this set has served, active or not. */
  getVersion(name: string, version: string): LoadedWorkflow | undefined {
    return this.versions.get(`${name}@${version}`);
  }

  all(): LoadedWorkflow[] {
    return [...this.byName.values()];
  }
}

/** The key a workflow's runs are recorded under. */
export function workflowKey(workflow: CompiledWorkflow): string {
  return workflow.mode === 'shadow' ? `${workflow.name}${shadowSuffix}` : workflow.name;
}

export const shadowSuffix = '~shadow';

export function versionOf(workflow: CompiledWorkflow): string {
  return `sha256:${createHash('sha256').update(canonicalJson(workflow.workflow)).digest('hex').slice(0, 16)}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
