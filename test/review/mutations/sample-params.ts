import { z } from 'zod';
import type { ActionDefinition } from '../../../src/core/catalog/action.js';

/** Parameters that satisfy an action's input schema: the required ones, with simple values. */
export function sampleParams(action: ActionDefinition): Record<string, unknown> {
  const schema = z.toJSONSchema(action.input) as {
    properties?: Record<string, { type?: string; enum?: unknown[] }>;
    required?: string[];
  };
  const params: Record<string, unknown> = {};
  for (const key of schema.required ?? []) {
    const property = schema.properties?.[key] ?? {};
    params[key] =
      property.enum?.[0] ??
      (property.type === 'boolean'
        ? false
        : property.type === 'integer' || property.type === 'number'
          ? 1
          : '${{ event.resource.id }}');
  }
  return params;
}
