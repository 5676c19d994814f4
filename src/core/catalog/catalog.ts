import { didYouMean } from '../did-you-mean.js';
import { compileExpression } from '../expr/compile-expression.js';
import { compileParams } from '../expr/params.js';
import { allowedKeysAt } from '../loader/schema-keys.js';
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
   * Checks the catalog is consistent, so a connector's mistake fails a test rather than a run:
   * every write declares an inverse or why it has none, reads declare none; every sensitive and
   * resource parameter is an input; every inverse and snapshot names a registered action, fills
   * only that action's inputs, compiles, and reads only fields the snapshot returns.
   */
  problems(): string[] {
    const found: string[] = [];
    for (const action of this.actions.values()) {
      const inputs = allowedKeysAt(action.input, []);
      for (const name of [...Object.keys(action.sensitive), ...action.resource]) {
        if (!inputs.includes(name)) found.push(`${action.id}: \`${name}\` is not an input parameter`);
      }
      const inverse = action.inverse;
      if (action.effect === 'read') {
        if (inverse !== undefined) found.push(`${action.id}: a read action needs no inverse`);
        continue;
      }
      if (inverse === undefined) {
        found.push(`${action.id}: a write action must declare an inverse or why it has none`);
        continue;
      }
      if ('none' in inverse) continue;
      if (inverse.when !== undefined) {
        const compiled = compileExpression(inverse.when, 'inverse', { boolean: true });
        if (!compiled.ok)
          found.push(`${action.id}: inverse condition does not compile: ${compiled.problem.message}`);
      }
      found.push(...this.templateProblems(action.id, inverse.action, inverse.with, 'inverse'));
      if (inverse.snapshot) {
        const snapshot = this.actions.get(inverse.snapshot.action);
        found.push(
          ...this.templateProblems(action.id, inverse.snapshot.action, inverse.snapshot.with, 'snapshot'),
        );
        if (snapshot && snapshot.effect !== 'read')
          found.push(`${action.id}: snapshot ${snapshot.id} must be a read action`);
        const returned = snapshot ? allowedKeysAt(snapshot.output, []) : [];
        for (const match of JSON.stringify(inverse.with).matchAll(/snapshot\.(\w+)/g)) {
          if (snapshot && !returned.includes(match[1] ?? ''))
            found.push(
              `${action.id}: inverse reads snapshot.${match[1] ?? ''}, which ${snapshot.id} does not return`,
            );
        }
      } else if (JSON.stringify(inverse.with).includes('snapshot.')) {
        found.push(`${action.id}: inverse reads the snapshot but declares none`);
      }
    }
    return found;
  }

  private templateProblems(
    owner: string,
    target: string,
    params: Readonly<Record<string, unknown>>,
    what: string,
  ): string[] {
    const action = this.actions.get(target);
    if (!action) return [`${owner}: ${what} ${target} is not registered`];
    const inputs = allowedKeysAt(action.input, []);
    const found = Object.keys(params)
      .filter((key) => !inputs.includes(key))
      .map((key) => `${owner}: ${what} passes \`${key}\`, which ${target} does not take`);
    for (const { path, problem } of compileParams(params, 'inverse').problems) {
      found.push(`${owner}: ${what} template at ${path.join('.')}: ${problem.message}`);
    }
    return found;
  }
}
