import { Environment } from '@marcbachmann/cel-js';
import type { ExpressionVariable } from './variables.js';

/**
 * Bounds on one expression, so a hostile workflow cannot make the loader or the engine spin.
 * Generous for any real condition.
 */
export const expressionLimits = {
  maxLength: 4096,
  maxAstNodes: 2000,
  maxDepth: 64,
  maxListElements: 500,
  maxMapEntries: 500,
  maxCallArguments: 16,
} as const;

/** The CEL type of each variable. `event` and `run` have known fields, so typos fail at load time. */
function declare(env: Environment, name: ExpressionVariable): void {
  switch (name) {
    case 'event':
      env.registerVariable({
        name: 'event',
        description: 'The event that triggered the run.',
        schema: {
          id: 'string',
          source: 'string',
          type: 'string',
          time: 'string',
          severity: 'string',
          resource: 'map',
          data: 'map',
        },
      });
      return;
    case 'run':
      env.registerVariable({
        name: 'run',
        description: 'The run: id, workflow, version, mode.',
        schema: { id: 'string', workflow: 'string', version: 'string', mode: 'string' },
      });
      return;
    case 'now':
      env.registerVariable('now', 'google.protobuf.Timestamp', { description: 'The time of evaluation.' });
      return;
    case 'result':
      env.registerVariable('result', 'dyn', { description: "The check's read action output." });
      return;
    default:
      env.registerVariable(name, 'map');
  }
}

const cache = new Map<string, Environment>();

/** The (cached) CEL environment for a set of variables. Building one is costly; evaluation is not. */
export function environmentFor(variables: readonly ExpressionVariable[]): Environment {
  const key = [...variables].sort().join(',');
  let env = cache.get(key);
  if (!env) {
    env = new Environment({
      homogeneousAggregateLiterals: false,
      limits: {
        maxAstNodes: expressionLimits.maxAstNodes,
        maxDepth: expressionLimits.maxDepth,
        maxListElements: expressionLimits.maxListElements,
        maxMapEntries: expressionLimits.maxMapEntries,
        maxCallArguments: expressionLimits.maxCallArguments,
      },
    });
    for (const variable of variables) declare(env, variable);
    cache.set(key, env);
  }
  return env;
}
