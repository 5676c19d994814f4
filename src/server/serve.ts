import { dirname, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ActionCatalog } from '../core/catalog/catalog.js';
import type { ResolvedCredential } from '../core/catalog/connector.js';
import type { CompiledWorkflow } from '../core/compile/compiled-workflow.js';
import type { Config } from '../core/model/config.js';
import { systemClock } from '../engine/clock.js';
import { Engine } from '../engine/engine.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import { ensureBootstrapToken, type BootstrapResult } from './auth/bootstrap-token.js';
import { closeConnectors, allConnectors } from '../connectors/all-connectors.js';
import { startNotifier } from '../notify/notifier.js';
import { startScanner } from '../sources/schedule/scanner.js';
import { createMetrics, engineObserver, notifierObserver } from './metrics.js';
import type { LogStream } from './log-options.js';
import { resolveCredentials, secretResolver } from './resolve-secrets.js';
import { createServerContext } from './server-context-factory.js';
import { formerVersions } from './versions/former-versions.js';
import { syncWorkflowsFolder, type SyncedFile } from './versions/sync-folder.js';

export interface ServeOptions {
  readonly config: Config;
  /** Absolute path of the config file: relative paths in it resolve from its folder. */
  readonly configFile: string;
  /** An opened store (the caller holds its lock) and a way to release both. */
  readonly store: Store;
  readonly catalog: ActionCatalog;
  readonly env: NodeJS.ProcessEnv;
  readonly host: string;
  readonly port: number;
  readonly bodyLimit?: number;
  readonly version?: string;
  readonly log?: { readonly level?: string; readonly stream?: LogStream };
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly engine: Engine;
  readonly url: string;
  readonly bootstrap: BootstrapResult;
  readonly files: readonly SyncedFile[];
  /** Problems that did not stop the start (a missing secret): each also logged. */
  readonly warnings: readonly string[];
  /** Graceful stop: no new requests, runs under way reach a durable point, connectors closed. */
  close(): Promise<void>;
}

/**
 * Starts Rectify's server on an opened store: resolves secrets, loads the workflows folder into
 * change control (first start: activates what passes review), starts the engine (which resumes
 * unfinished runs), makes the bootstrap admin token on first start, and listens.
 * A source or credential whose secret is missing does not stop the start: it is named in
 * `warnings` and the log (the source answers 503 naming the variable).
 * @example const server = await serve({ config, configFile, store, catalog, env: process.env, host: '127.0.0.1', port: 7070 })
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { config, store, catalog } = options;
  const configDir = dirname(options.configFile);
  const clock = systemClock;
  const resolveSecret = secretResolver(options.env, configDir);
  const { credentials, problems } = resolveCredentials(config, resolveSecret);
  const warnings = [...problems, ...sourceSecretProblems(config, resolveSecret)];
  const scanSources = scannableSources(config, credentials, warnings);

  // Change control first, into a holder: the engine must start with the active set, since it
  // resumes unfinished runs of those workflows as it starts.
  let initial: readonly CompiledWorkflow[] = [];
  const synced = await syncWorkflowsFolder(
    { store, config, catalog, clock, engine: { replaceWorkflows: (compiled) => (initial = compiled) } },
    resolve(configDir, config.workflows),
  );
  for (const failed of synced.publish.failed)
    warnings.push(`workflow ${failed.name} version ${failed.version} no longer loads: it is not run`);

  const connectors = allConnectors();
  // Metrics before the engine (it reports to them); the workflow names are read at scrape time.
  const active: { engine?: Engine } = {};
  const metrics = createMetrics({
    store,
    clock,
    killSwitch: config.killSwitch,
    sources: config.sources.map((s) => s.name),
    channels: config.channels.map((c) => c.name),
    workflows: () => active.engine?.activeWorkflows().map((w) => w.name) ?? [],
  });
  // Engine errors before the app (and its logger) exist are kept, then logged.
  const early: { error: Error; where: string }[] = [];
  const started: { app?: FastifyInstance } = {};
  // Runs that started on a version no longer active finish on it (after a restart too).
  const former = await formerVersions(store, catalog, initial);
  const engine = await Engine.start({
    store,
    workflows: initial,
    formerVersions: former,
    connectors,
    credentials,
    clock,
    killSwitch: config.killSwitch,
    observer: engineObserver(metrics),
    onError: (error, where) => {
      if (started.app) started.app.log.error({ err: error, where }, 'engine error');
      else early.push({ error, where });
    },
  });
  active.engine = engine;
  const metricsToken = options.env.RECTIFY_METRICS_TOKEN;
  const ctx = createServerContext({
    metrics,
    ...(metricsToken ? { metricsToken } : {}),
    store,
    engine,
    config,
    configDir,
    catalog,
    connectors,
    credentials,
    clock,
    resolveSecret,
  });
  const app = await buildApp(ctx, {
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.version !== undefined ? { version: options.version } : {}),
    logger: options.log ?? {},
  });
  started.app = app;
  for (const { error, where } of early) app.log.error({ err: error, where }, 'engine error');
  for (const warning of warnings) app.log.warn(warning);

  const bootstrap = await ensureBootstrapToken(
    store,
    config,
    clock.now(),
    options.env.RECTIFY_BOOTSTRAP_TOKEN,
  );
  // Deliveries and scans start with the app's logger; neither can fail a run or the server.
  const notifier = startNotifier({
    store,
    channels: config.channels,
    resolveSecret,
    clock,
    ...(config.server?.publicUrl ? { publicUrl: config.server.publicUrl } : {}),
    onResult: notifierObserver(metrics),
    onError: (error, where) => {
      app.log.error({ err: error, where }, 'notification delivery error');
    },
  });
  const scanner = startScanner({
    sources: scanSources,
    connectors,
    credentials,
    store,
    catalog,
    sink: (events) => engine.ingestBatch(events),
    onError: (error, where) => {
      app.log.error({ err: error, where }, 'scan error');
    },
  });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    engine,
    url: `http://${host}:${port}`,
    bootstrap,
    files: synced.files,
    warnings,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await scanner.stop();
        await engine.stop();
        await notifier.stop();
        await closeConnectors(connectors);
      })()),
  };
}

/**
 * Schedule sources whose credential the server holds. One whose credential did not resolve (its
 * secret is missing) does not scan, and says so: never fatal, as for webhook sources.
 */
function scannableSources(
  config: Config,
  credentials: ReadonlyMap<string, ResolvedCredential>,
  warnings: string[],
): Config['sources'] {
  return config.sources.filter((source) => {
    if (source.type !== 'schedule' || credentials.has(source.credentials)) return true;
    warnings.push(
      `source ${source.name}: its credential ${source.credentials} is not available (see above); it does not scan until then`,
    );
    return false;
  });
}

/** Webhook and NATS sources whose secret reference does not resolve: named, never fatal. */
function sourceSecretProblems(config: Config, resolveSecret: (reference: string) => string): string[] {
  const problems: string[] = [];
  for (const source of config.sources) {
    const references =
      source.type === 'webhook' && source.auth
        ? ['bearer' in source.auth ? source.auth.bearer : source.auth.hmac.secret]
        : source.type === 'nats' && source.auth
          ? [source.auth.token, source.auth.credentialsFile].filter((r): r is string => r !== undefined)
          : [];
    for (const reference of references) {
      try {
        resolveSecret(reference);
      } catch (error) {
        problems.push(
          `source ${source.name}: ${error instanceof Error ? error.message : String(error)}; it answers 503 until then`,
        );
      }
    }
  }
  return problems;
}
