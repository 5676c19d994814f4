import type { ActionCatalog } from '../core/catalog/catalog.js';
import type { Connector, ResolvedCredential } from '../core/catalog/connector.js';
import type { Config } from '../core/model/config.js';
import type { Clock } from '../engine/clock.js';
import type { Engine } from '../engine/engine.js';
import type { Store } from '../store/store.js';
import { createAuthorize } from './auth/authorize.js';
import type { Metrics } from './metrics.js';
import type { ServerContext } from './server-context.js';

/**
 * Assembles a ServerContext from its parts, with the authorizer of src/server/auth. Used by
 * `rectify serve` and by tests, so that both exercise the same authorisation.
 * @example const ctx = createServerContext({ store, engine, config, configDir, catalog, connectors, credentials, clock, resolveSecret })
 */
export function createServerContext(parts: {
  readonly store: Store;
  readonly engine: Engine;
  readonly config: Config;
  readonly configDir: string;
  readonly catalog: ActionCatalog;
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly credentials: ReadonlyMap<string, ResolvedCredential>;
  readonly clock: Clock;
  readonly resolveSecret: (reference: string) => string;
  readonly metrics?: Metrics;
  readonly metricsToken?: string;
}): ServerContext {
  return {
    ...parts,
    authorize: createAuthorize({ store: parts.store, config: parts.config, clock: parts.clock }),
  };
}
