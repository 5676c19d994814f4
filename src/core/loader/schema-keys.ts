import type { z } from 'zod';

/**
 * The field names a zod object schema accepts at a path, for "did you mean" hints.
 * Walks zod's own definitions (object, optional, default, array, record, union, pipe).
 */
export function allowedKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  const candidates = schemasAt(unwrap(schema), path);
  const keys = new Set<string>();
  for (const candidate of candidates) {
    const def = definition(candidate);
    if (def.type === 'object' && def.shape) for (const key of Object.keys(def.shape)) keys.add(key);
  }
  return [...keys];
}

interface LooseDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}

function definition(schema: z.ZodType): LooseDef {
  return (schema as unknown as { _zod: { def: LooseDef } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = definition(current);
    if (
      (def.type === 'optional' ||
        def.type === 'default' ||
        def.type === 'nullable' ||
        def.type === 'prefault') &&
      def.innerType
    )
      current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function schemasAt(schema: z.ZodType, path: readonly (string | number)[]): z.ZodType[] {
  const def = definition(schema);
  if (def.type === 'union' && def.options)
    return def.options.flatMap((option) => schemasAt(unwrap(option), path));
  if (path.length === 0) return [schema];
  const [head, ...rest] = path;
  if (def.type === 'object' && def.shape && typeof head === 'string') {
    const child = def.shape[head];
    return child ? schemasAt(unwrap(child), rest) : [];
  }
  if (def.type === 'array' && def.element) return schemasAt(unwrap(def.element), rest);
  if (def.type === 'record' && def.valueType) return schemasAt(unwrap(def.valueType), rest);
  return [];
}
