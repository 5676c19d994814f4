import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchema, schemaFileName, schemaNames } from '../src/core/model/json-schema.js';

describe('committed JSON Schemas', () => {
  it.each(schemaNames)(
    'schemas/%s matches the model (run `npm run schemas` after a model change)',
    (name) => {
      const committed = JSON.parse(
        readFileSync(join(import.meta.dirname, '..', 'schemas', schemaFileName(name)), 'utf8'),
      ) as unknown;
      expect(committed).toEqual(jsonSchema(name));
    },
  );
});
