import type { Command } from 'commander';
import { parseListen } from '../../server/listen-address.js';
import { serve, type RunningServer } from '../../server/serve.js';
import { loadConfigFile } from '../config-file.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { lockStore } from '../store-lock.js';
import { openStore, resolveStoreUrl } from '../store-url.js';
import { packageVersion } from '../version.js';

interface ServeOptions {
  config?: string;
  listen?: string;
  store?: string;
  logLevel: string;
}

/** `rectify serve`: the API, webhooks and the engine in one process, until SIGINT/SIGTERM. */
export function registerServe(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .description(
      'Run the server: the API (/v1), source webhooks, and the engine. The first start prints an admin token once (or stores RECTIFY_BOOTSTRAP_TOKEN). Stops gracefully on SIGINT/SIGTERM.',
    )
    .option('--config <file>', 'config file (default: $RECTIFY_CONFIG, else ./rectify.yaml)')
    .option(
      '--listen <host:port>',
      "address to listen on (default: the config's server.listen, else 127.0.0.1:7070)",
    )
    .option('--store <url>', "store URL (default: the config's `store`)")
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
    .addHelpText(
      'after',
      '\nExit codes: 0 stopped by a signal, 1 failed to start (store locked, address in use), 2 usage error, 3 no config.\nSee docs/server.md.',
    )
    .action(async (options: ServeOptions) => {
      context.setExitCode(await runServe(options, context));
    });
}

async function runServe(options: ServeOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const err = io.errStyle;
  const loaded = await loadConfigFile(io, context.catalog, options.config);
  if (!loaded.ok) {
    for (const line of loaded.lines) io.err(line);
    return loaded.exitCode;
  }
  if (!loaded.loaded) {
    io.err(
      `${err.red('error')} serve needs a config: pass --config FILE, set RECTIFY_CONFIG, or add ./rectify.yaml`,
    );
    return ExitCode.noInput;
  }
  const { config, file } = loaded.loaded;
  const listen = parseListen(options.listen ?? config.server?.listen ?? '127.0.0.1:7070');
  if ('error' in listen) {
    io.err(`error: --listen ${listen.error}\n(run with --help for usage)`);
    return ExitCode.usage;
  }
  const resolved = resolveStoreUrl({
    flag: options.store,
    config: { url: config.store, file: file.absolute },
    cwd: io.cwd,
  });
  if (!resolved.ok) {
    io.err(`${err.red('error')} ${resolved.message}`);
    return resolved.exitCode;
  }
  const opened = openStore(resolved.location);
  if (!opened.ok) {
    io.err(`${err.red('error')} ${opened.message}`);
    return ExitCode.failed;
  }
  const lock = lockStore(resolved.location.path);
  if (!lock.ok) {
    await opened.store.close();
    io.err(
      `${err.red('error')} another Rectify process (pid ${lock.holder}) runs an engine on ${resolved.location.display}; one at a time may use a SQLite store`,
    );
    return ExitCode.failed;
  }
  let server: RunningServer | undefined;
  try {
    server = await serve({
      config,
      configFile: file.absolute,
      store: opened.store,
      catalog: context.catalog,
      env: io.env,
      host: listen.host,
      port: listen.port,
      version: packageVersion(),
      log: { level: options.logLevel },
    });
    io.err(
      `rectify ${packageVersion()} serving on ${server.url} (config ${file.display}, store ${resolved.location.display})`,
    );
    for (const synced of server.files)
      if (synced.outcome !== 'unchanged')
        io.err(`  workflow ${synced.workflow ?? synced.file}: ${synced.outcome}`);
    for (const warning of server.warnings) io.err(`${err.yellow('warning')} ${warning}`);
    const bootstrap = server.bootstrap;
    if (bootstrap.kind === 'created') {
      io.err(
        `First start: an admin token for ${bootstrap.subject} (${bootstrap.tokenId}). It is shown ONCE; store it now:`,
      );
      io.out(bootstrap.secret);
      io.err(
        err.dim(
          'Use it as RECTIFY_TOKEN; make personal tokens with `rectify token create`, then revoke this one.',
        ),
      );
    } else if (bootstrap.kind === 'from-env')
      io.err(`admin token from RECTIFY_BOOTSTRAP_TOKEN: ${bootstrap.tokenId} (${bootstrap.subject})`);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => {
        resolve('SIGINT');
      });
      process.once('SIGTERM', () => {
        resolve('SIGTERM');
      });
    });
    io.err(`${signal}: stopping (runs under way reach their next durable point)`);
    return ExitCode.ok;
  } catch (error) {
    io.err(
      `${err.red('error')} the server did not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    return ExitCode.failed;
  } finally {
    await server?.close();
    lock.release();
    await opened.store.close();
  }
}
