import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { isZodSchema } from './zod-validation.js';

declare module 'fastify' {
  /** Documentation a route may declare beside its zod schemas; the OpenAPI document reads it. */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
    /** `[]` for a route that takes no API token (health, sources authenticating themselves). */
    security?: readonly Record<string, readonly string[]>[];
    /** Leave the route out of the OpenAPI document. */
    hide?: boolean;
  }
}

/** What route modules may put in `schema` besides the zod schemas: documentation only. */
interface RouteDocs {
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** `[]` for a route that takes no API token (health, sources authenticating themselves). */
  readonly security?: readonly Record<string, readonly string[]>[];
  /** Leave the route out of the document. */
  readonly hide?: boolean;
  readonly body?: unknown;
  readonly querystring?: unknown;
  readonly params?: unknown;
}

type JsonSchema = Record<string, unknown>;

/**
 * Collects every route as it is declared (an `onRoute` hook: add it BEFORE registering routes)
 * and builds the OpenAPI 3.1 document from their zod schemas, so the document cannot drift from
 * what the validator enforces.
 * @example
 * const openapi = collectOpenApi(app, { title: 'Rectify', version: '0.1.0' })
 * // ... register routes ...
 * app.get('/v1/openapi.json', () => openapi.document())
 */
export function collectOpenApi(
  app: FastifyInstance,
  info: { readonly title: string; readonly version: string },
): { document(): JsonSchema } {
  const routes: { method: string; url: string; docs: RouteDocs }[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const docs = (route.schema ?? {}) as RouteDocs;
    if (docs.hide) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url, docs });
  });
  let built: JsonSchema | undefined;
  return {
    document: () => (built ??= buildDocument(info, routes)),
  };
}

function buildDocument(
  info: { readonly title: string; readonly version: string },
  routes: readonly { method: string; url: string; docs: RouteDocs }[],
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, url, docs } of routes) {
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      operationId: `${method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
      ...(docs.summary ? { summary: docs.summary } : {}),
      ...(docs.description ? { description: docs.description } : {}),
      ...(docs.tags ? { tags: docs.tags } : {}),
      parameters: [...parameters(docs.params, 'path'), ...parameters(docs.querystring, 'query')],
      ...(isZodSchema(docs.body)
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: toSchema(docs.body) } } },
          }
        : {}),
      responses: {
        '2XX': { description: 'Success' },
        default: {
          description: 'A problem (RFC 9457)',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
      ...(docs.security ? { security: docs.security } : {}),
    };
    (paths[path] ??= {})[method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`rfy_...`): `rectify token create --subject user:alice`.',
        },
      },
      schemas: { Problem: problemSchema },
    },
  };
}

function toSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  // The dialect is the document's (jsonSchemaDialect): no per-schema `$schema`.
  const rest: JsonSchema = { ...json };
  delete rest.$schema;
  return rest;
}

function parameters(schema: unknown, where: 'path' | 'query'): Record<string, unknown>[] {
  if (!isZodSchema(schema)) return [];
  const json = toSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    field: { type: 'string', description: 'The field at fault: `body.subject`, `querystring.limit`.' },
    hint: { type: 'string', description: 'How to fix the request.' },
  },
};
