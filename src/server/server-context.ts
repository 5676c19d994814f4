import type { FastifyRequest } from 'fastify';
import type { ActionCatalog } from '../core/catalog/catalog.js';
import type { Connector, ResolvedCredential } from '../core/catalog/connector.js';
import type { AccessTarget } from '../core/access/permissions.js';
import type { Config } from '../core/model/config.js';
import type { Permission } from '../core/types.js';
import type { Clock } from '../engine/clock.js';
import type { Engine } from '../engine/engine.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

/** Who made an authenticated request: a config subject (`user:alice`, `service:ci`) and the token used. */
export interface Principal {
  readonly subject: string;
  /** The token's public id (never the secret); null for a subject not authenticated by token. */
  readonly tokenId: string | null;
}

/**
 * Everything a route needs, built once by `rectify serve` (src/server/serve.ts) and handed to
 * every route module: `export function registerXRoutes(app: FastifyInstance, ctx: ServerContext)`.
 *
 * Route modules declare each route with Fastify's own `app.route({ method, url, schema, handler })`
 * where `schema.body`, `schema.querystring` and `schema.params` are zod schemas: the app's
 * validator compiler validates with them (400 naming the field) and the OpenAPI 3.1 document at
 * /v1/openapi.json is generated from the same schemas (plus `schema.summary`, `schema.tags`,
 * `schema.description`). Throw `HttpError` for an answer other than success.
 */
export interface ServerContext {
  readonly store: Store;
  readonly engine: Engine;
  readonly config: Config;
  /** The folder of the config file: relative paths of the config resolve against it. */
  readonly configDir: string;
  readonly catalog: ActionCatalog;
  readonly connectors: ReadonlyMap<string, Connector>;
  /** The config's credentials, secrets resolved. Never serialise these. */
  readonly credentials: ReadonlyMap<string, ResolvedCredential>;
  readonly clock: Clock;
  /** Resolves a secret reference (`env:NAME`, `file:/path`) of the config; throws naming the reference. */
  readonly resolveSecret: (reference: string) => string;
  /** Prometheus metrics; absent in tests that do not look at them (then GET /metrics is not served). */
  readonly metrics?: Metrics;
  /** When set, GET /metrics requires `Authorization: Bearer <it>` (from RECTIFY_METRICS_TOKEN). */
  readonly metricsToken?: string;
  /**
   * Authenticates the request (`Authorization: Bearer <token>`) and checks that its subject holds
   * `permission`, on `workflow` when the permission is about one. Every decision, allowed or
   * denied, is audited. Throws HttpError 401 (no or bad token) or 403 (not allowed).
   */
  readonly authorize: (
    request: FastifyRequest,
    permission: Permission,
    workflow?: AccessTarget & { readonly name: string },
  ) => Promise<Principal>;
}
