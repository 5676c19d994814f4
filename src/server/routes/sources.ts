import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { adapterFor } from '../../sources/adapters/adapter-for.js';
import { ReplayCache } from '../../sources/auth/replay-cache.js';
import { DeliveryRefused } from '../../sources/delivery-refused.js';
import { deliveryResult } from '../../sources/delivery-result.js';
import { receiveDelivery, type ReceivingSource } from '../../sources/receive-delivery.js';
import { auditRejection, type SourceRejection } from '../../sources/source-rejection.js';
import { HttpError } from '../http-error.js';
import type { ServerContext } from '../server-context.js';

export interface SourceRouteOptions {
  /** Bytes; bigger bodies get 413 (audited). Default: the app's `bodyLimit` (1 MiB). */
  readonly bodyLimit?: number;
  /** Signatures seen (HMAC replay protection); one per process by default. */
  readonly replays?: ReplayCache;
}

/** Fastify's errors of body parsing that refuse a delivery, by code. */
const parserReasons: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-content-length',
  FST_ERR_VALIDATION: 'invalid-request',
};

/**
 * POST /v1/sources/:name/events: webhook sources deliver events here, authenticated with the
 * source's own bearer token or HMAC signature (not with API tokens). The 202 is sent only once
 * the events are durable (`engine.ingestBatch` resolved). Every refusal is a problem details
 * answer AND a `source.rejected` audit record; a refused delivery stores nothing else.
 *
 * The route lives in its own encapsulated plugin: its content-type parser keeps the raw body
 * (HMAC is over the bytes received), and must not change how other routes parse JSON.
 * A generic source's `mapping` is compiled here: one that does not compile throws (at start).
 * @example registerSourceRoutes(app, ctx)
 */
export function registerSourceRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  options: SourceRouteOptions = {},
): void {
  const sources = new Map<string, ReceivingSource>();
  for (const source of ctx.config.sources)
    if (source.type === 'webhook') sources.set(source.name, { source, adapter: adapterFor(source) });
  const replays = options.replays ?? new ReplayCache();
  const nameOf = (request: FastifyRequest): string =>
    (request.params as { name?: string } | undefined)?.name ?? '';

  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, parsed) => {
      parsed(null, body);
    });
    scope.addHook('onError', async (request, _reply, error) => {
      const name = nameOf(request);
      const rejection = sources.has(name) ? rejectionOf(name, error) : undefined;
      if (!rejection) return;
      request.log.warn(
        { source: name, status: rejection.status, reason: rejection.reason },
        'delivery refused',
      );
      ctx.metrics?.eventRejected(name, metricReason(rejection.status));
      try {
        await auditRejection(ctx.store, ctx.clock.now(), rejection);
      } catch (auditError) {
        request.log.error({ err: auditError, source: name }, 'could not audit a refused delivery');
      }
    });
    scope.route({
      method: 'POST',
      url: '/v1/sources/:name/events',
      ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
      schema: {
        summary: 'Deliver events to a webhook source',
        description:
          "One event or a batch, in the source's format (generic envelope, Alertmanager webhook, CloudEvents, " +
          'EventBridge). Authenticated with the source token (Authorization: Bearer) or an HMAC signature ' +
          '(X-Signature: sha256=<hex>, X-Rectify-Timestamp). 202 once the events are durable, with each ' +
          "event's status and runs. See docs/sources.md.",
        tags: ['sources'],
        params: z.object({ name: z.string().min(1).max(200) }),
      },
      handler: async (request, reply) => {
        const name = nameOf(request);
        const entry = sources.get(name);
        if (!entry)
          throw new HttpError(
            404,
            'Not Found',
            `no webhook source named ${JSON.stringify(name)} in the config`,
            {
              hint: 'sources of type webhook in rectify.yaml receive events at /v1/sources/<name>/events',
            },
          );
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        let events;
        try {
          events = receiveDelivery(
            entry,
            { headers: request.headers, body },
            { resolveSecret: ctx.resolveSecret, now: ctx.clock.now(), replays },
          );
        } catch (error) {
          if (!(error instanceof DeliveryRefused)) throw error;
          throw new HttpError(error.status, error.title, error.detail, {
            reason: error.reason,
            source: name,
            ...(error.field !== undefined ? { field: error.field } : {}),
          });
        }
        // Durable when this resolves: only then may the sender forget the events.
        const results = await ctx.engine.ingestBatch(
          events.map((event) => event.envelope),
          events.map((event) => event.original),
        );
        return reply.code(202).send(deliveryResult(name, events, results));
      },
    });
    done();
  });
}

function rejectionOf(source: string, error: unknown): SourceRejection | undefined {
  if (error instanceof HttpError) {
    const { reason, field } = error.extensions;
    if (typeof reason !== 'string') return undefined;
    return {
      source,
      status: error.status,
      reason,
      detail: error.detail,
      ...(typeof field === 'string' ? { field } : {}),
    };
  }
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  const reason = typeof code === 'string' ? parserReasons[code] : undefined;
  if (!reason || typeof statusCode !== 'number') return undefined;
  return { source, status: statusCode, reason };
}

/** The metric's bounded reason for a refused delivery (the audit record keeps the precise one). */
function metricReason(status: number): 'unauthenticated' | 'too-large' | 'invalid' | 'other' {
  if (status === 401) return 'unauthenticated';
  if (status === 413) return 'too-large';
  if (status === 400 || status === 415) return 'invalid';
  return 'other';
}
