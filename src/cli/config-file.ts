import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ActionCatalog } from '../core/catalog/catalog.js';
import { loadDocument, type LoadResult } from '../core/loader/load-document.js';
import type { Config } from '../core/model/config.js';
import { displayPath, readText } from '../project/files.js';
import { isParseFailure } from '../project/load-project.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { formatResults } from './print-diagnostics.js';

/** Where the config was named: it decides whether a missing file is an error. */
export type ConfigOrigin = '--config' | 'RECTIFY_CONFIG' | 'rectify.yaml';

export interface LocatedConfig {
  readonly absolute: string;
  readonly display: string;
  readonly origin: ConfigOrigin;
}

export interface LoadedConfig {
  readonly file: LocatedConfig;
  readonly config: Config;
  readonly result: LoadResult;
}

export type ConfigLoad =
  | { readonly ok: true; readonly loaded: LoadedConfig | undefined }
  | { readonly ok: false; readonly exitCode: number; readonly lines: readonly string[] };

/**
 * The config file of a command (spec/config.md): `--config` > `RECTIFY_CONFIG` >
 * `rectify.yaml` in the working folder when there is one, else none. A file named by the flag
 * or the variable must exist; the implicit `rectify.yaml` is only used when present.
 */
export function locateConfig(io: CliIo, flag: string | undefined): LocatedConfig | undefined {
  const env = io.env.RECTIFY_CONFIG;
  const [path, origin]: [string, ConfigOrigin] | [undefined, undefined] =
    flag !== undefined
      ? [flag, '--config']
      : env !== undefined && env !== ''
        ? [env, 'RECTIFY_CONFIG']
        : existsSync(resolve(io.cwd, 'rectify.yaml'))
          ? ['rectify.yaml', 'rectify.yaml']
          : [undefined, undefined];
  if (path === undefined) return undefined;
  const absolute = resolve(io.cwd, path);
  return { absolute, display: displayPath(absolute, io.cwd), origin };
}

/** Locates and loads the config; a config that does not load is an error, never ignored. */
export async function loadConfigFile(
  io: CliIo,
  catalog: ActionCatalog,
  flag: string | undefined,
): Promise<ConfigLoad> {
  const file = locateConfig(io, flag);
  if (!file) return { ok: true, loaded: undefined };
  const read = await readText(file);
  if ('error' in read) {
    const named = file.origin === 'RECTIFY_CONFIG' ? ` (from RECTIFY_CONFIG)` : '';
    return {
      ok: false,
      exitCode: ExitCode.noInput,
      lines: [`${io.errStyle.red('error')} config ${file.display}${named}: ${read.error}`],
    };
  }
  const result = loadDocument(file.display, read.text, { catalog, expect: 'Config' });
  if (result.document?.kind !== 'Config') {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    return {
      ok: false,
      exitCode: errors.some(isParseFailure) ? ExitCode.noInput : ExitCode.failed,
      lines: [
        ...formatResults([result], [], io.errStyle),
        `${io.errStyle.red('error')} the config ${file.display} does not load: fix it, or name another with --config`,
      ],
    };
  }
  return { ok: true, loaded: { file, config: result.document.config, result } };
}
