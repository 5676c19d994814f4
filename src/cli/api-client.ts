import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

/** The server a command talks to when none is named: the default `server.listen`. */
export const defaultServerUrl = 'http://127.0.0.1:7070';

export interface ApiOptions {
  server?: string;
  tokenFile?: string;
}

/** Adds `--server` and `--token-file` (the token itself never goes on a command line: shell history, `ps`). */
export function withApiOptions(command: Command): Command {
  return command
    .option('--server <url>', `the Rectify server (default: $RECTIFY_SERVER, else ${defaultServerUrl})`)
    .option('--token-file <file>', 'file holding the API token (default: $RECTIFY_TOKEN)');
}

/** True when the user named a server (flag or variable): commands that also work locally then use the API. */
export function serverNamed(io: CliIo, options: ApiOptions): boolean {
  return options.server !== undefined || (io.env.RECTIFY_SERVER ?? '') !== '';
}

export interface ApiClient {
  readonly url: string;
  /** Sends a request; `status` 0 means the server could not be reached (`body` says why). */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/**
 * The API client of a command: server from `--server` > RECTIFY_SERVER > the default; token from
 * `--token-file` > RECTIFY_TOKEN. Problems are printed; the caller returns the exit code.
 * @example const client = await apiClient(io, options); if ('exitCode' in client) return client.exitCode
 */
export async function apiClient(io: CliIo, options: ApiOptions): Promise<ApiClient | { exitCode: number }> {
  const url = (options.server ?? (io.env.RECTIFY_SERVER || defaultServerUrl)).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(url)) {
    io.err(
      `error: --server takes a URL such as ${defaultServerUrl}; got "${url}"\n(run with --help for usage)`,
    );
    return { exitCode: ExitCode.usage };
  }
  let token = io.env.RECTIFY_TOKEN ?? '';
  if (options.tokenFile !== undefined) {
    try {
      token = (await readFile(resolve(io.cwd, options.tokenFile), 'utf8')).trim();
    } catch {
      io.err(`${io.errStyle.red('error')} --token-file ${options.tokenFile} cannot be read`);
      return { exitCode: ExitCode.noInput };
    }
  }
  if (token === '') {
    io.err(
      `${io.errStyle.red('error')} no API token: set RECTIFY_TOKEN or pass --token-file FILE (an admin makes one with \`rectify token create --subject user:<you>\`)`,
    );
    return { exitCode: ExitCode.usage };
  }
  return {
    url,
    request: async (method, path, body) => {
      try {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON: shown as it is.
        }
        return { status: response.status, body: parsed };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        return {
          status: 0,
          body: `cannot reach ${url}${cause ? ` (${cause})` : ''}: is \`rectify serve\` running there?`,
        };
      }
    },
  };
}

/**
 * Prints a failed answer (a problem document's detail and hint) and returns the exit code:
 * 3 when the server cannot be reached, 1 for a refusal or an error.
 */
export function reportFailure(io: CliIo, answer: { status: number; body: unknown }): number {
  if (answer.status === 0) {
    io.err(`${io.errStyle.red('error')} ${String(answer.body)}`);
    return ExitCode.noInput;
  }
  const problem = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as {
    detail?: string;
    hint?: string;
    title?: string;
  };
  const detail =
    problem.detail ?? (typeof answer.body === 'string' ? answer.body.slice(0, 300) : 'no detail');
  io.err(
    `${io.errStyle.red('error')} ${answer.status} ${problem.title ?? ''}: ${detail}`.replace(/ {2,}/g, ' '),
  );
  if (problem.hint) io.err(`  hint: ${problem.hint}`);
  return ExitCode.failed;
}

export const apiExitCodesHelp =
  '\nExit codes: 0 ok, 1 refused by the server (401/403/404/409) or failed, 2 usage error, 3 the server cannot be reached or the token file cannot be read.';
