import Fastify, { type FastifyInstance } from 'fastify';
import { collectOpenApi } from './openapi.js';
import { logOptions, secretValuesOf, type LogStream } from './log-options.js';
import { registerProblemHandlers } from './problem-details.js';
import { registerControlRoutes } from './routes/control.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerSourceRoutes } from './routes/sources.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerWorkflowRoutes } from './routes/workflows.js';
import type { ServerContext } from './server-context.js';
import { zodValidatorCompiler } from './zod-validation.js';

export interface AppOptions {
  /** Largest request body accepted, in bytes (413 above it). Default 1 MiB. */
  readonly bodyLimit?: number;
  /** `false`: no logging (benchmarks). Default: JSON lines at `info` on stdout. */
  readonly logger?: false | { readonly level?: string; readonly stream?: LogStream };
  /** The version the OpenAPI document states. */
  readonly version?: string;
}

/** 1 MiB: far above any event or API request, far below what would hurt the process. */
export const defaultBodyLimit = 1024 * 1024;

/**
 * Builds the HTTP app over a ServerContext: zod validation, problem details for every error,
 * redacted structured logs, the OpenAPI document at GET /v1/openapi.json, and every route module.
 * Not listening yet: `await app.listen(...)`, or `app.inject(...)` in tests.
 * @example
 * const app = await buildApp(ctx, { logger: false })
 * const response = await app.inject({ method: 'GET', url: '/healthz' })
 */
export async function buildApp(ctx: ServerContext, options: AppOptions = {}): Promise<FastifyInstance> {
  // Resolved once: the secrets do not change while the process runs.
  const secrets = secretValuesOf(ctx.config, ctx.resolveSecret);
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? defaultBodyLimit,
    logger: options.logger === false ? false : logOptions({ ...options.logger, secrets: () => secrets }),
    // Request ids for the log and for 500 answers; never derived from the request.
    genReqId: () => `req_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`,
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  // Answers are built by the handlers; no response schema compiles into a serializer.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerProblemHandlers(app);
  const openapi = collectOpenApi(app, { title: 'Rectify API', version: options.version ?? '0.0.0' });

  app.route({
    method: 'GET',
    url: '/v1/openapi.json',
    schema: { summary: 'This API, as an OpenAPI 3.1 document', tags: ['meta'], security: [] },
    handler: () => openapi.document(),
  });
  registerHealthRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerRunRoutes(app, ctx);
  registerControlRoutes(app, ctx);
  registerSourceRoutes(app, ctx);
  registerWorkflowRoutes(app, ctx);
  if (ctx.metrics)
    registerMetricsRoutes(
      app,
      ctx,
      ctx.metrics,
      ctx.metricsToken === undefined ? {} : { token: ctx.metricsToken },
    );
  await app.ready();
  return app;
}
