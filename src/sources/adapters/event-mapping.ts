import { Environment } from '@marcbachmann/cel-js';
import { expressionLimits } from '../../core/expr/environment.js';
import { fromCel, toCel } from '../../core/expr/values.js';
import type { SourceDelivery } from './adapter.js';
import { PayloadError } from './payload-error.js';

/** A generic source's `mapping`, compiled once: builds one envelope from one payload object. */
export interface EventMapping {
  /** Throws PayloadError (at `at`, naming the mapping entry) when an expression fails. */
  apply(body: Record<string, unknown>, delivery: SourceDelivery, at: string): Record<string, unknown>;
}

/** A mapping that cannot work for any payload: a config error, reported when the server starts. */
export class MappingError extends Error {
  override readonly name = 'MappingError';
}

const mappable = new Set(['id', 'type', 'time', 'severity', 'resource', 'data']);

let environment: Environment | undefined;
/** `body` is the only variable: the payload object, of no declared type. */
function mappingEnvironment(): Environment {
  if (!environment) {
    const { maxAstNodes, maxDepth, maxListElements, maxMapEntries, maxCallArguments } = expressionLimits;
    environment = new Environment({
      homogeneousAggregateLiterals: false,
      limits: { maxAstNodes, maxDepth, maxListElements, maxMapEntries, maxCallArguments },
    });
    environment.registerVariable('body', 'dyn', { description: 'The payload object.' });
  }
  return environment;
}

/**
 * Compiles `mapping` (envelope field -> CEL over `body`). Keys are envelope fields, nested ones
 * dotted (`resource.id`, `data.repo`); `source` cannot be mapped (it is the source's name). Unmapped:
 * `time` is the time of receipt, `data` the whole payload, `severity` medium.
 * @example
 * compileMapping('scanner', { id: 'body.alert.id', type: '"secret.leaked"', 'resource.id': 'body.repo' })
 */
export function compileMapping(source: string, mapping: Readonly<Record<string, string>>): EventMapping {
  const entries = Object.entries(mapping).map(([key, expression]) => {
    const path = key.split('.');
    const head = path[0] ?? '';
    const where = `source ${source}: mapping "${key}"`;
    if (!mappable.has(head) || path.some((part) => part === ''))
      throw new MappingError(
        `${where}: not an envelope field; map id, type, time, severity, resource(.x) or data(.x)${head === 'source' ? ' (source is always the source name)' : ''}`,
      );
    if (expression.length > expressionLimits.maxLength)
      throw new MappingError(`${where}: longer than ${expressionLimits.maxLength} characters`);
    let parsed: ReturnType<Environment['parse']>;
    try {
      parsed = mappingEnvironment().parse(expression);
    } catch (error) {
      throw new MappingError(`${where}: ${firstLine(error)}`);
    }
    const checked = parsed.check();
    if (!checked.valid) throw new MappingError(`${where}: ${firstLine(checked.error)}`);
    return { key, path, evaluate: (body: unknown) => fromCel(parsed({ body: toCel(body) })) };
  });
  for (const required of ['id', 'type'])
    if (!entries.some((entry) => entry.key === required))
      throw new MappingError(
        `source ${source}: mapping has no "${required}": add one (a CEL expression over body)`,
      );
  if (!entries.some((entry) => entry.path[0] === 'resource'))
    throw new MappingError(
      `source ${source}: mapping has no "resource.id": add one (a CEL expression over body)`,
    );
  const mapsData = entries.some((entry) => entry.path[0] === 'data');

  return {
    apply(body, delivery, at) {
      const envelope: Record<string, unknown> = {
        source: delivery.source,
        time: new Date(delivery.receivedAt).toISOString(),
        ...(mapsData ? {} : { data: body }),
      };
      for (const entry of entries) {
        let value: unknown;
        try {
          value = entry.evaluate(body);
        } catch (error) {
          throw new PayloadError(at, `mapping "${entry.key}" could not be evaluated: ${firstLine(error)}`);
        }
        if (value instanceof Date) value = value.toISOString();
        if (entry.key === 'id' && typeof value === 'number') value = String(value);
        if (value !== null && value !== undefined) setPath(envelope, entry.path, value);
      }
      return envelope;
    },
  };
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cursor = target;
  for (const [index, part] of path.entries()) {
    if (index === path.length - 1) {
      cursor[part] = value;
      return;
    }
    const next = cursor[part];
    const child: Record<string, unknown> =
      typeof next === 'object' && next !== null && !Array.isArray(next)
        ? { ...(next as Record<string, unknown>) }
        : {};
    cursor[part] = child;
    cursor = child;
  }
}

function firstLine(error: unknown): string {
  const message =
    error instanceof Error ? error.message : typeof error === 'string' ? error : 'invalid expression';
  return (message.split('\n')[0] ?? message).trim();
}
