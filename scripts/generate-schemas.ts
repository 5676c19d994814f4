/**
 * Writes the JSON Schemas of user files into schemas/ (committed). `npm run schemas` after a
 * model change; test/schemas.test.ts fails while the committed files drift from the model.
 */
import { writeFileSync } from 'node:fs';
import { jsonSchema, schemaFileName, schemaNames } from '../src/core/model/json-schema.js';

for (const name of schemaNames) {
  const file = new URL(`../schemas/${schemaFileName(name)}`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(jsonSchema(name), null, 2)}\n`);
  console.log(`wrote schemas/${schemaFileName(name)}`);
}
