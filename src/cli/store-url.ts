import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { displayPath } from '../project/files.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ExitCode } from './exit-codes.js';

/** The store every command uses when neither `--store` nor the config names one (spec/config.md). */
export const defaultStoreUrl = 'sqlite:.rectify/rectify.db';

/** Where a store URL came from: it decides the folder a relative path is read from. */
export type StoreUrlOrigin = '--store' | 'config' | 'default';

/** A store URL resolved to something this build can open. */
export interface StoreLocation {
  readonly url: string;
  readonly origin: StoreUrlOrigin;
  /** Absolute path of the SQLite file, or `:memory:`. */
  readonly path: string;
  /** The path as shown to people: relative to the working folder when inside it. */
  readonly display: string;
}

export type StoreResolution =
  | { readonly ok: true; readonly location: StoreLocation }
  | { readonly ok: false; readonly message: string; readonly exitCode: number };

/**
 * Resolves the store URL shared by every command: `--store` > the config's `store` >
 * `sqlite:.rectify/rectify.db`. A relative path is read from the working folder for `--store`
 * and the default, and from the config file's folder for the config's `store` (as its
 * `workflows` folder is), so a config names the same store wherever the command is run from.
 * Only `sqlite:PATH` (also `sqlite:///ABSOLUTE` and `sqlite::memory:`) opens in this build.
 * @example resolveStoreUrl({ cwd: '/srv' }) // sqlite file /srv/.rectify/rectify.db
 */
export function resolveStoreUrl(options: {
  readonly flag?: string | undefined;
  /** The config's `store`, with the path of the config file. */
  readonly config?: { readonly url: string; readonly file: string } | undefined;
  readonly cwd: string;
}): StoreResolution {
  const [url, origin, base]: [string, StoreUrlOrigin, string] =
    options.flag !== undefined
      ? [options.flag, '--store', options.cwd]
      : options.config
        ? [options.config.url, 'config', dirname(options.config.file)]
        : [defaultStoreUrl, 'default', options.cwd];
  // A bad --store is a usage error; a config naming a store this build cannot open is a bad file.
  const exitCode = origin === '--store' ? ExitCode.usage : ExitCode.failed;
  const where = origin === '--store' ? '--store' : origin === 'config' ? "the config's `store`" : 'store';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    // The URL is not repeated: it may hold a password.
    return {
      ok: false,
      exitCode,
      message: `${where}: postgres stores arrive with the multi-node store; use sqlite:PATH`,
    };
  }
  if (scheme !== 'sqlite') {
    return {
      ok: false,
      exitCode,
      message: `${where}: ${scheme ? `"${scheme}:" stores are not supported` : `"${url}" is not a store URL`}; use sqlite:PATH (for example ${defaultStoreUrl})`,
    };
  }
  let rest = url.slice('sqlite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '')
    return { ok: false, exitCode, message: `${where}: "${url}" names no file; use sqlite:PATH` };
  if (rest === ':memory:')
    return { ok: true, location: { url, origin, path: ':memory:', display: 'sqlite::memory: (in memory)' } };
  const path = isAbsolute(rest) ? rest : resolve(base, rest);
  return { ok: true, location: { url, origin, path, display: displayPath(path, options.cwd) } };
}

/**
 * Opens (creating and migrating when absent) the store at a resolved location. A file that is
 * not a Rectify store, or cannot be opened, is an error for the user, not a crash.
 */
export function openStore(
  location: StoreLocation,
): { ok: true; store: SqliteStore } | { ok: false; message: string } {
  try {
    return { ok: true, store: SqliteStore.open(location.path) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `cannot open the store ${location.display}: ${reason}` };
  }
}

/**
 * Opens a store that must already exist: reading commands never create an empty one where the
 * user expected their history.
 */
export function openExistingStore(
  location: StoreLocation,
): { ok: true; store: SqliteStore } | { ok: false; message: string; missing: boolean } {
  if (location.path !== ':memory:' && !existsSync(location.path)) {
    const how =
      location.origin === 'default'
        ? ` (the default, ${defaultStoreUrl}, relative to this folder; --store or a config's \`store\` names another)`
        : '';
    return {
      ok: false,
      missing: true,
      message: `no store at ${location.display}${how}: nothing has run against it yet (\`rectify run\` creates it)`,
    };
  }
  const opened = openStore(location);
  return opened.ok ? opened : { ...opened, missing: false };
}
