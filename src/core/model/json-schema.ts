import { z } from 'zod';
import { configSchema } from './config.js';
import { workflowTestSchema } from './workflow-test.js';
import { workflowSchema } from './workflow.js';

export const schemaNames = ['workflow', 'config', 'test'] as const;
export type SchemaName = (typeof schemaNames)[number];

const sources: Record<SchemaName, { schema: z.ZodType; title: string; file: string }> = {
  workflow: { schema: workflowSchema, title: 'Rectify Workflow', file: 'workflow.schema.json' },
  config: { schema: configSchema, title: 'Rectify Config', file: 'config.schema.json' },
  test: { schema: workflowTestSchema, title: 'Rectify WorkflowTest', file: 'workflow-test.schema.json' },
};

/** The committed file name of each schema under `schemas/`. */
export function schemaFileName(name: SchemaName): string {
  return sources[name].file;
}

/**
 * JSON Schema (draft-07, the newest yaml-language-server documents) for a user file, generated from the same zod schema that validates
 * it, so editors using yaml-language-server complete and check exactly what Rectify accepts.
 * `io: 'input'` describes what users write (fields with defaults are optional).
 */
export function jsonSchema(name: SchemaName): Record<string, unknown> {
  const { schema, title, file } = sources[name];
  const generated = z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
  return { ...generated, $id: `https://rectify.dev/schemas/v1/${file}`, title };
}
