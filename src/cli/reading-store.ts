import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { loadConfigFile } from './config-file.js';
import { ExitCode } from './exit-codes.js';
import type { CommandContext } from './context.js';
import { openExistingStore, resolveStoreUrl, type StoreLocation } from './store-url.js';

export type ReadingStore =
  | { readonly ok: true; readonly store: SqliteStore; readonly location: StoreLocation }
  | { readonly ok: false; readonly exitCode: number };

/**
 * The store of a reading command (`runs`, `audit`): `--store` > the config's `store` > the
 * default, opened only if it exists. Problems are printed; the caller returns the exit code.
 */
export async function openReadingStore(
  context: CommandContext,
  options: { readonly store?: string | undefined; readonly config?: string | undefined },
): Promise<ReadingStore> {
  const { io } = context;
  const style = io.errStyle;
  // The config is read only when it could matter: --store wins over it.
  let config: { url: string; file: string } | undefined;
  if (options.store === undefined) {
    const loaded = await loadConfigFile(io, context.catalog, options.config);
    if (!loaded.ok) {
      for (const line of loaded.lines) io.err(line);
      return { ok: false, exitCode: loaded.exitCode };
    }
    if (loaded.loaded) config = { url: loaded.loaded.config.store, file: loaded.loaded.file.absolute };
  }
  const resolved = resolveStoreUrl({ flag: options.store, config, cwd: io.cwd });
  if (!resolved.ok) {
    io.err(`${style.red('error')} ${resolved.message}`);
    return { ok: false, exitCode: resolved.exitCode };
  }
  const opened = openExistingStore(resolved.location);
  if (!opened.ok) {
    io.err(`${style.red('error')} ${opened.message}`);
    return { ok: false, exitCode: opened.missing ? ExitCode.noInput : ExitCode.failed };
  }
  return { ok: true, store: opened.store, location: resolved.location };
}
