import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../core/model/config.js';
import { displayPath } from '../../project/files.js';
import { secretResolver } from '../../server/resolve-secrets.js';
import { deliveryHeaders, type SenderAuth } from '../../sources/client/delivery-headers.js';
import type { DeliveryResult } from '../../sources/delivery-result.js';
import { loadConfigFile } from '../config-file.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

interface SendOptions {
  server?: string;
  source?: string;
  token?: string;
  config?: string;
  contentType: string;
}

const help = `
Each FILE is posted as it is (byte for byte) to POST <server>/v1/sources/<source>/events: an
event envelope, a JSON array of them, or the source's own format (an Alertmanager webhook...).
The source is --source, else the envelope's "source". Authentication follows the source in the
config: HMAC-signed with its secret, or its bearer token, both read from the environment
variable (or file) the config names; --token VAR takes the bearer token from VAR instead.

Exit codes: 0 every file accepted (or already received), 1 the server refused a file or cannot
be reached, 2 usage error, 3 a file or the config cannot be read. See docs/sources.md.`;

/** `rectify events send FILE...`: post sample events to a running server's webhook sources. */
export function registerEvents(program: Command, context: CommandContext): void {
  const events = program.command('events').description('Send events to a running Rectify server.');
  events
    .command('send')
    .description("Post event files to a webhook source, authenticated as the source's sender.")
    .argument('<file...>', 'JSON files: envelopes, arrays of them, or a source format')
    .option(
      '--server <url>',
      "server URL (default: the config's server.publicUrl, else http://127.0.0.1:7070)",
    )
    .option('--source <name>', 'the webhook source to post to (default: each envelope\'s "source")')
    .option('--token <env-var>', 'environment variable holding the bearer token (instead of the config)')
    .option('--config <file>', 'config file (default: $RECTIFY_CONFIG, else ./rectify.yaml when present)')
    .option('--content-type <type>', 'Content-Type of the request', 'application/json')
    .addHelpText('after', help)
    .action(async (files: string[], options: SendOptions) => {
      context.setExitCode(await sendFiles(files, options, context));
    });
}

async function sendFiles(
  files: readonly string[],
  options: SendOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const loaded = await loadConfigFile(io, context.catalog, options.config);
  if (!loaded.ok) {
    for (const line of loaded.lines) io.err(line);
    return loaded.exitCode;
  }
  const config = loaded.loaded?.config;
  const configDir = loaded.loaded ? dirname(loaded.loaded.file.absolute) : io.cwd;
  const server = (options.server ?? serverOf(config)).replace(/\/+$/, '');
  let code: number = ExitCode.ok;
  const runIds: string[] = [];
  for (const file of files) {
    const path = resolve(io.cwd, file);
    const shown = displayPath(path, io.cwd);
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      io.err(`${io.errStyle.red('error')} ${shown}: cannot be read`);
      return ExitCode.noInput;
    }
    const source = options.source ?? envelopeSource(body);
    if (!source) {
      io.err(`${io.errStyle.red('error')} ${shown}: no "source" in the file: name the source with --source`);
      return ExitCode.usage;
    }
    let auth: SenderAuth;
    try {
      auth = senderAuth(source, config, options, io, configDir);
    } catch (error) {
      io.err(
        `${io.errStyle.red('error')} ${shown}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return ExitCode.failed;
    }
    const url = `${server}/v1/sources/${encodeURIComponent(source)}/events`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: deliveryHeaders(auth, body, io.now().getTime(), options.contentType),
        body,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? 'no answer';
      io.err(
        `${io.errStyle.red('error')} cannot reach ${server} (${cause}): is \`rectify serve\` running there?`,
      );
      return ExitCode.failed;
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
    if (response.status !== 202) {
      const field = typeof answer.field === 'string' ? ` at ${answer.field}` : '';
      io.err(
        `${io.errStyle.red('refused')} ${shown} -> ${source}: ${response.status} ${text(answer.title, response.statusText)}${field}: ${text(answer.detail, '')}`,
      );
      code = ExitCode.failed;
      continue;
    }
    const result = answer as unknown as DeliveryResult;
    io.out(`${shown} -> ${source}: ${result.accepted} accepted, ${result.duplicates} already received`);
    for (const event of result.events) {
      const runs = event.runs.map(
        (run) => `${run.runId} (${run.workflow}${run.outcome ? `: ${run.outcome}` : ''})`,
      );
      runIds.push(...event.runs.map((run) => run.runId));
      const what =
        event.status === 'accepted'
          ? `accepted as event #${event.seq ?? '?'}; ${runs.length ? `run ${runs.join(', ')}` : 'no workflow matched'}`
          : event.status === 'duplicate'
            ? `already received as event #${event.seq ?? '?'}`
            : `rejected: ${event.reason ?? ''}`;
      io.out(`  ${event.id}  ${what}`);
    }
  }
  if (runIds.length > 0) io.out(`\nsee a run: rectify runs show ${runIds[0] ?? ''}`);
  return code;
}

function serverOf(config: Config | undefined): string {
  if (config?.server?.publicUrl) return config.server.publicUrl;
  const listen = config?.server?.listen;
  if (listen) return `http://${listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:')}`;
  return 'http://127.0.0.1:7070';
}

/** The "source" of an envelope, or of the first envelope of an array. */
function envelopeSource(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
    const source = (first as { source?: unknown } | null)?.source;
    return typeof source === 'string' && source !== '' ? source : undefined;
  } catch {
    return undefined;
  }
}

function senderAuth(
  source: string,
  config: Config | undefined,
  options: SendOptions,
  io: CliIo,
  dir: string,
): SenderAuth {
  if (options.token !== undefined) {
    const token = io.env[options.token];
    if (!token) throw new Error(`--token ${options.token}: the environment variable is not set`);
    return { kind: 'bearer', token };
  }
  const configured = config?.sources.find((candidate) => candidate.name === source);
  if (!configured || configured.type !== 'webhook' || !configured.auth) return { kind: 'none' };
  const resolveSecret = secretResolver(io.env, dir);
  if ('bearer' in configured.auth) return { kind: 'bearer', token: resolveSecret(configured.auth.bearer) };
  return {
    kind: 'hmac',
    secret: resolveSecret(configured.auth.hmac.secret),
    header: configured.auth.hmac.header,
  };
}
