import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';

/** The part of a request a schema validates, as Fastify names it. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

/** One problem of a request, with the field at fault: `body.subject`, `querystring.limit`. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * A request that does not satisfy its route's zod schema. The error handler turns it into a 400
 * problem document naming every field at fault (problem-details.ts).
 */
export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';
  readonly statusCode = 400;
  constructor(readonly issues: readonly FieldIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
  }
}

/** True for a zod schema (what routes put in `schema.body`, `schema.querystring`, `schema.params`). */
export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value && 'safeParse' in value;
}

/**
 * Fastify's validator compiler for zod schemas: the parsed value (defaults, coercions) replaces
 * the request's, and a failure is a `RequestValidationError` naming the fields. A route whose
 * schema is not zod fails when the app starts, naming the route: the house rule is one kind of
 * schema, the one the OpenAPI document is generated from.
 * @example app.setValidatorCompiler(zodValidatorCompiler)
 */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, method, url, httpPart }) => {
  if (!isZodSchema(schema))
    throw new Error(
      `schema.${httpPart ?? 'body'} of ${method} ${url} is not a zod schema; declare it with zod (src/server/server-context.ts)`,
    );
  const part = (httpPart ?? 'body') as RequestPart;
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    const issues = result.error.issues.map((issue) => ({
      field: [part, ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    return { error: new RequestValidationError(issues) };
  };
};
