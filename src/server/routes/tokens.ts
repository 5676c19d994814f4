import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';
import { issueToken, revokeToken, tokenJson } from '../auth/issue-token.js';
import { HttpError } from '../http-error.js';
import type { ServerContext } from '../server-context.js';

/** The subjects a binding may name (spec/config.md): tokens act as one of them. */
export const subjectSchema = z
  .string()
  .regex(/^(user|team|service):[A-Za-z0-9][A-Za-z0-9._@-]*$/, {
    error: 'must be `user:<name>`, `team:<name>` or `service:<name>`, e.g. user:alice',
  })
  .describe('The subject the token acts as; access.bindings of the config give it roles.');

const createBody = z.strictObject({
  subject: subjectSchema,
  expires: z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, { error: 'must be a duration such as 12h, 30d or 365d' })
    .optional()
    .describe('Lifetime from now (default 90d); `never` is not offered for API-made tokens.'),
  description: z.string().max(200).optional(),
});

const defaultLifetime = '90d';
/** A token that outlives a year is a token nobody remembers: renew instead. */
const maxLifetimeMs = 365 * 24 * 3_600_000;

/**
 * /v1/tokens: list, create (the secret is in the answer, once) and revoke tokens. Every route
 * needs `access:admin` (held on every workflow, see auth/access-check.ts).
 * @example registerTokenRoutes(app, ctx)
 */
export function registerTokenRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.route({
    method: 'GET',
    url: '/v1/tokens',
    schema: {
      summary: 'List tokens (never their secrets)',
      tags: ['tokens'],
      querystring: z.strictObject({
        includeRevoked: z.enum(['true', 'false']).default('false').describe('also revoked tokens'),
      }),
    },
    handler: async (request) => {
      await ctx.authorize(request, 'access:admin');
      const query = request.query as { includeRevoked: 'true' | 'false' };
      const tokens = await ctx.store.transaction((tx) =>
        tx.tokens.listTokens({ includeRevoked: query.includeRevoked === 'true' }),
      );
      const now = ctx.clock.now();
      return { tokens: tokens.map((token) => tokenJson(token, now)) };
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/tokens',
    schema: {
      summary: 'Create a token; its secret is in this answer only',
      tags: ['tokens'],
      body: createBody,
    },
    handler: async (request, reply) => {
      const principal = await ctx.authorize(request, 'access:admin');
      const body = request.body as z.output<typeof createBody>;
      const lifetime = parseDuration(body.expires ?? defaultLifetime);
      if (lifetime === undefined || lifetime <= 0 || lifetime > maxLifetimeMs)
        throw new HttpError(400, 'Bad Request', 'body.expires: not a usable duration (at most 365d)', {
          field: 'body.expires',
          hint: 'a duration such as 30d; tokens are renewed, not made to last for ever',
        });
      const now = ctx.clock.now();
      const { token, secret } = await ctx.store.transaction((tx) =>
        issueToken(tx, {
          subject: body.subject,
          by: principal.subject,
          now,
          expiresAt: now + lifetime,
          description: body.description,
        }),
      );
      return reply.status(201).send({ ...tokenJson(token, now), token: secret });
    },
  });

  app.route({
    method: 'DELETE',
    url: '/v1/tokens/:id',
    schema: {
      summary: 'Revoke a token',
      tags: ['tokens'],
      params: z.strictObject({
        id: z.string().regex(/^tok_[0-9a-f]+$/, { error: 'must be a token id, tok_...' }),
      }),
    },
    handler: async (request) => {
      const principal = await ctx.authorize(request, 'access:admin');
      const { id } = request.params as { id: string };
      const now = ctx.clock.now();
      const result = await ctx.store.transaction(async (tx) => {
        const token = await tx.tokens.getToken(id);
        if (!token) return 'missing' as const;
        if (token.revokedAt !== null) return 'already' as const;
        await revokeToken(tx, { id, by: principal.subject, now });
        return 'revoked' as const;
      });
      if (result === 'missing')
        throw new HttpError(404, 'Not Found', `no token ${id}`, { hint: 'GET /v1/tokens lists them' });
      if (result === 'already') throw new HttpError(409, 'Conflict', `the token ${id} is revoked already`);
      return { id, revoked: true };
    },
  });
}
