import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import type { ServerContext } from '../server-context.js';

/**
 * GET /healthz: the process answers (liveness). GET /readyz: the store answers too (readiness:
 * send traffic). Neither needs a token: orchestrators probe them.
 * @example registerHealthRoutes(app, ctx)
 */
export function registerHealthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.route({
    method: 'GET',
    url: '/healthz',
    schema: { summary: 'Liveness: the process answers', tags: ['health'], security: [] },
    handler: () => ({ status: 'ok' }),
  });
  app.route({
    method: 'GET',
    url: '/readyz',
    schema: { summary: 'Readiness: the store answers', tags: ['health'], security: [] },
    handler: async (request) => {
      try {
        await ctx.store.transaction((tx) => tx.getSetting('kill-switch'));
      } catch (error) {
        request.log.error({ err: error }, 'readiness: the store does not answer');
        throw new HttpError(503, 'Service Unavailable', 'the store does not answer', {
          hint: 'see the server log',
        });
      }
      return { status: 'ready' };
    },
  });
}
