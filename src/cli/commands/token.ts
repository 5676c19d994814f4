import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { parseDuration } from '../../core/duration.js';
import { issueToken, revokeToken, tokenJson } from '../../server/auth/issue-token.js';
import type { Store } from '../../store/store.js';
import { apiClient, reportFailure, serverNamed, withApiOptions, type ApiOptions } from '../api-client.js';
import { loadConfigFile } from '../config-file.js';
import type { CommandContext, OutputFormat } from '../context.js';
import { outputFormats } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { openStore, resolveStoreUrl } from '../store-url.js';

interface TokenOptions extends ApiOptions {
  store?: string;
  config?: string;
  format: OutputFormat;
}
interface CreateOptions extends TokenOptions {
  subject: string;
  expires: string;
  description?: string;
}

const subjectPattern = /^(user|team|service):[A-Za-z0-9][A-Za-z0-9._@-]*$/;

const help = `
Where: with --server (or RECTIFY_SERVER) through the API, with a token holding access:admin;
otherwise directly on the store (--store, else the config's \`store\`): whoever can write the
store file already holds everything, and that is how the first tokens are made besides the
bootstrap token \`rectify serve\` prints. Tokens are printed once; only their SHA-256 is kept.
Exit codes: 0 ok, 1 refused or no such token, 2 usage error, 3 no store / server unreachable.`;

/** `rectify token create|list|revoke`: API tokens, on the store or through the server. */
export function registerToken(program: Command, context: CommandContext): void {
  const token = program.command('token').description('Create, list and revoke API tokens.');
  withOptions(
    token
      .command('create')
      .description('Create a token for a subject and print it once.')
      .requiredOption('--subject <subject>', 'user:<name>, team:<name> or service:<name>')
      .option('--expires <duration>', 'lifetime, e.g. 12h, 30d, 365d', '90d')
      .option('--description <text>', 'what the token is for'),
  ).action(async (options: CreateOptions) => {
    context.setExitCode(await create(options, context));
  });
  withOptions(
    token
      .command('list')
      .description('List tokens (never their secrets).')
      .option('--all', 'also revoked tokens'),
  ).action(async (options: TokenOptions & { all?: boolean }) => {
    context.setExitCode(await list(options, context));
  });
  withOptions(
    token
      .command('revoke')
      .description('Revoke a token: it is refused from now on.')
      .argument('<id>', 'the token id, tok_...'),
  ).action(async (id: string, options: TokenOptions) => {
    context.setExitCode(await revoke(id, options, context));
  });
}

function withOptions(command: Command): Command {
  return withApiOptions(command)
    .option('--store <url>', "store URL (default: the config's `store`, else sqlite:.rectify/rectify.db)")
    .option('--config <file>', 'config file (default: $RECTIFY_CONFIG, else ./rectify.yaml when present)')
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('text'))
    .addHelpText('after', help);
}

/** Runs `work` on the local store named by --store / the config; problems printed, exit code returned. */
async function onStore(
  options: TokenOptions,
  context: CommandContext,
  work: (store: Store) => Promise<number>,
): Promise<number> {
  const { io } = context;
  let config: { url: string; file: string } | undefined;
  if (options.store === undefined) {
    const loaded = await loadConfigFile(io, context.catalog, options.config);
    if (!loaded.ok) {
      for (const line of loaded.lines) io.err(line);
      return loaded.exitCode;
    }
    if (loaded.loaded) config = { url: loaded.loaded.config.store, file: loaded.loaded.file.absolute };
  }
  const resolved = resolveStoreUrl({ flag: options.store, config, cwd: io.cwd });
  if (!resolved.ok) {
    io.err(`${io.errStyle.red('error')} ${resolved.message}`);
    return resolved.exitCode;
  }
  const opened = openStore(resolved.location);
  if (!opened.ok) {
    io.err(`${io.errStyle.red('error')} ${opened.message}`);
    return ExitCode.noInput;
  }
  try {
    return await work(opened.store);
  } finally {
    await opened.store.close();
  }
}

function localSubject(context: CommandContext): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${context.io.env.USER ?? 'unknown'}`;
  }
}

async function create(options: CreateOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  if (!subjectPattern.test(options.subject)) {
    io.err(
      `error: --subject must be user:<name>, team:<name> or service:<name>; got "${options.subject}"\n(run with --help for usage)`,
    );
    return ExitCode.usage;
  }
  const lifetime = parseDuration(options.expires);
  if (lifetime === undefined || lifetime <= 0) {
    io.err(
      `error: --expires takes a duration such as 12h or 30d; got "${options.expires}"\n(run with --help for usage)`,
    );
    return ExitCode.usage;
  }
  const print = (token: Record<string, unknown>, secret: string): number => {
    if (options.format === 'json') io.out(JSON.stringify({ version: 1, ...token, token: secret }, null, 2));
    else {
      io.out(secret);
      io.err(
        io.errStyle.dim(
          `token ${String(token.id)} for ${String(token.subject)}, expires ${String(token.expiresAt)}: shown once, store it now (only its hash is kept)`,
        ),
      );
    }
    return ExitCode.ok;
  };
  if (serverNamed(io, options)) {
    const client = await apiClient(io, options);
    if ('exitCode' in client) return client.exitCode;
    const answer = await client.request('POST', '/v1/tokens', {
      subject: options.subject,
      expires: options.expires,
      ...(options.description !== undefined ? { description: options.description } : {}),
    });
    if (answer.status !== 201) return reportFailure(io, answer);
    const { token: secret, ...rest } = answer.body as Record<string, unknown> & { token: string };
    return print(rest, secret);
  }
  return onStore(options, context, async (store) => {
    const now = io.now().getTime();
    const { token, secret } = await store.transaction((tx) =>
      issueToken(tx, {
        subject: options.subject,
        by: localSubject(context),
        now,
        expiresAt: now + lifetime,
        description: options.description,
      }),
    );
    return print(tokenJson(token, now), secret);
  });
}

async function list(options: TokenOptions & { all?: boolean }, context: CommandContext): Promise<number> {
  const { io } = context;
  const text = (value: unknown): string => (typeof value === 'string' ? value : 'never');
  const show = (tokens: readonly Record<string, unknown>[]): number => {
    if (options.format === 'json') {
      io.out(JSON.stringify({ version: 1, tokens }, null, 2));
      return ExitCode.ok;
    }
    if (tokens.length === 0) io.out('no tokens');
    for (const t of tokens)
      io.out(
        [
          text(t.id),
          text(t.subject),
          text(t.state),
          `expires ${text(t.expiresAt)}`,
          `last used ${text(t.lastUsedAt)}`,
          typeof t.description === 'string' ? t.description : '',
        ].join('  '),
      );
    return ExitCode.ok;
  };
  if (serverNamed(io, options)) {
    const client = await apiClient(io, options);
    if ('exitCode' in client) return client.exitCode;
    const answer = await client.request('GET', `/v1/tokens?includeRevoked=${options.all ? 'true' : 'false'}`);
    if (answer.status !== 200) return reportFailure(io, answer);
    return show((answer.body as { tokens: Record<string, unknown>[] }).tokens);
  }
  return onStore(options, context, async (store) => {
    const now = io.now().getTime();
    const tokens = await store.transaction((tx) =>
      tx.tokens.listTokens({ includeRevoked: options.all ?? false }),
    );
    return show(tokens.map((t) => tokenJson(t, now)));
  });
}

async function revoke(id: string, options: TokenOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  if (serverNamed(io, options)) {
    const client = await apiClient(io, options);
    if ('exitCode' in client) return client.exitCode;
    const answer = await client.request('DELETE', `/v1/tokens/${encodeURIComponent(id)}`);
    if (answer.status !== 200) return reportFailure(io, answer);
    io.out(`revoked ${id}`);
    return ExitCode.ok;
  }
  return onStore(options, context, async (store) => {
    const revoked = await store.transaction((tx) =>
      revokeToken(tx, { id, by: localSubject(context), now: io.now().getTime() }),
    );
    if (!revoked) {
      io.err(`${io.errStyle.red('error')} no active token ${id}; \`rectify token list --all\` lists them`);
      return ExitCode.failed;
    }
    io.out(`revoked ${id}`);
    return ExitCode.ok;
  });
}
