import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import type { Metrics } from '../metrics.js';
import type { ServerContext } from '../server-context.js';

export interface MetricsRouteOptions {
  /**
   * When set (resolved from a secret reference, e.g. `env:RECTIFY_METRICS_TOKEN`), GET /metrics
   * requires `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials_file }`).
   * Unset: /metrics is open, as Prometheus expects; bind the server to a private address or put
   * a proxy in front (docs/metrics.md). Scrapes are not audited: one every 15 s would drown the log.
   */
  readonly token?: string;
}

/**
 * GET /metrics: Prometheus text exposition of `metrics.registry`. The metrics carry counts and
 * names from the config only (no secrets, no ids), so the default is unauthenticated.
 * @example registerMetricsRoutes(app, ctx, metrics, { token: ctx.resolveSecret('env:RECTIFY_METRICS_TOKEN') })
 */
export function registerMetricsRoutes(
  app: FastifyInstance,
  _ctx: ServerContext,
  metrics: Metrics,
  options: MetricsRouteOptions = {},
): void {
  const expected = options.token === undefined ? undefined : digest(options.token);
  app.route({
    method: 'GET',
    url: '/metrics',
    schema: {
      summary: 'Prometheus metrics (text exposition format)',
      tags: ['meta'],
      ...(expected === undefined ? { security: [] } : {}),
    },
    handler: async (request, reply) => {
      if (expected !== undefined) {
        const given = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
        // Digests of equal length: the comparison takes the same time whatever was sent.
        if (given === undefined || !timingSafeEqual(digest(given), expected))
          throw new HttpError(
            401,
            'Unauthorized',
            'GET /metrics needs Authorization: Bearer <metrics token>',
            {
              hint: 'give Prometheus the metrics token (authorization.credentials_file in its scrape config)',
            },
          );
      }
      const body = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).send(body);
    },
  });
}

const digest = (text: string) => createHash('sha256').update(text).digest();
