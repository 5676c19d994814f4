import { didYouMean } from '../did-you-mean.js';
import type { ActionDefinition } from './action.js';

/**
 * The registry of every action Rectify knows. Connectors fill it; nothing else defines actions.
 * @example
 * const catalog = new ActionCatalog().register(...sandboxActions)
 * catalog.get('sandbox.bucket.set-access')?.effect // 'write'
 */
export class ActionCatalog {
  private readonly actions = new Map<string, ActionDefinition>();

  register(...definitions: readonly ActionDefinition[]): this {
    for (const definition of definitions) {
      if (this.actions.has(definition.id)) throw new Error(`action ${definition.id} is registered twice`);
      this.actions.set(definition.id, definition);
    }
    return this;
  }

  get(id: string): ActionDefinition | undefined {
    return this.actions.get(id);
  }

  has(id: string): boolean {
    return this.actions.has(id);
  }

  list(): ActionDefinition[] {
    return [...this.actions.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  connectors(): string[] {
    return [...new Set(this.list().map((action) => action.connector))];
  }

  /** The closest known id to a misspelt one. */
  suggest(id: string): string | undefined {
    return didYouMean(id, this.actions.keys());
  }

  /**
   * Checks the catalog is consistent: every inverse and snapshot names a registered action, and
   * every sensitive or resource parameter is one the action takes. Returns the problems found.
   */
  problems(): string[] {
    const found: string[] = [];
    for (const action of this.actions.values()) {
      const inverse = action.inverse;
      if (inverse && 'action' in inverse) {
        if (!this.actions.has(inverse.action))
          found.push(`${action.id}: inverse ${inverse.action} is not registered`);
        if (inverse.snapshot && !this.actions.has(inverse.snapshot.action))
          found.push(`${action.id}: snapshot ${inverse.snapshot.action} is not registered`);
      }
      if (action.effect !== 'read' && inverse === undefined)
        found.push(`${action.id}: a write action must declare an inverse or why it has none`);
    }
    return found;
  }
}
