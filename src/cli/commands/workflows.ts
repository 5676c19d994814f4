import { Option, type Command } from 'commander';
import { outputFormats, type CommandContext, type OutputFormat } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import {
  apiClient,
  apiExitCodesHelp,
  reportFailure,
  withApiOptions,
  type ApiOptions,
} from '../api-client.js';

type Body = Record<string, unknown>;

interface Options extends ApiOptions {
  format: OutputFormat;
}

interface Summary {
  name: string;
  status: string;
  activeVersion: number | null;
  latestVersion: number;
  owner: string;
  mode: string;
  reviewBy: string;
  overdueReview: boolean;
}
interface VersionLine {
  version: number;
  author: string;
  createdAt: string;
  mode: string;
  active: boolean;
  contentHash: string;
  review: { blocking: number; findings: unknown[] };
}

/**
 * `rectify workflows list|versions|diff|activate|rollback|retire`: change control over the API
 * of a running server (see docs/change-control.md).
 */
export function registerWorkflows(program: Command, context: CommandContext): void {
  const workflows = program
    .command('workflows')
    .description(
      'Change control on a running server: list workflows and their versions, diff, activate, roll back, retire.',
    );
  const sub = (name: string, description: string) =>
    withApiOptions(workflows.command(name).description(description))
      .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('text'))
      .addHelpText('after', apiExitCodesHelp);
  const run = async (work: (io: CliIo) => Promise<number>): Promise<void> => {
    context.setExitCode(await work(context.io));
  };

  sub('list', 'List workflows: status, active version, owner, and whether their review is overdue.').action(
    (options: Options) => run((io) => call(io, options, 'GET', '/v1/workflows', (body) => listText(body))),
  );
  sub('versions', "List a workflow's versions with their author and review.")
    .argument('<name>', 'the workflow (metadata.name)')
    .action((name: string, options: Options) =>
      run((io) => call(io, options, 'GET', `/v1/workflows/${enc(name)}`, (body) => versionsText(body))),
    );
  sub('diff', 'Show the unified diff of the YAML of two versions.')
    .argument('<name>', 'the workflow')
    .argument('<from>', 'the old version')
    .argument('<to>', 'the new version')
    .action((name: string, from: string, to: string, options: Options) =>
      run((io) =>
        call(io, options, 'GET', `/v1/workflows/${enc(name)}/diff?from=${enc(from)}&to=${enc(to)}`, (body) =>
          String(body.diff) === '' ? 'the two versions are identical' : String(body.diff).replace(/\n$/, ''),
        ),
      ),
    );
  for (const [verb, description] of [
    ['activate', 'Make a reviewed version active (never your own; no blocking finding).'],
    ['rollback', 'Make an earlier reviewed version active again.'],
  ] as const)
    sub(verb, description)
      .argument('<name>', 'the workflow')
      .argument('<version>', 'the version number')
      .action((name: string, version: string, options: Options) =>
        run((io) =>
          call(
            io,
            options,
            'POST',
            `/v1/workflows/${enc(name)}/versions/${enc(version)}/${verb}`,
            (body) =>
              `${String(body.workflow)}: version ${String(body.activeVersion)} is active${typeof body.previous === 'number' ? ` (was ${body.previous})` : ''}`,
          ),
        ),
      );
  sub('retire', 'Retire a workflow: the engine stops it; its versions and history stay.')
    .argument('<name>', 'the workflow')
    .action((name: string, options: Options) =>
      run((io) =>
        call(
          io,
          options,
          'POST',
          `/v1/workflows/${enc(name)}/retire`,
          (body) => `${String(body.workflow)}: retired`,
        ),
      ),
    );
}

const enc = encodeURIComponent;

/** One API call: prints the answer (text or JSON), or the problem on stderr with exit 1. */
async function call(
  io: CliIo,
  options: Options,
  method: 'GET' | 'POST',
  path: string,
  text: (body: Body) => string,
): Promise<number> {
  const client = await apiClient(io, options);
  if ('exitCode' in client) return client.exitCode;
  const answer = await client.request(method, path);
  if (answer.status !== 200) return reportFailure(io, answer);
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as Body;
  io.out(options.format === 'json' ? JSON.stringify(body, null, 2) : text(body));
  return ExitCode.ok;
}

function listText(body: Body): string {
  const rows = (body.workflows ?? []) as Summary[];
  if (rows.length === 0) return 'no workflows';
  return rows
    .map(
      (w) =>
        `${w.name}  ${w.status}  active: ${w.activeVersion ?? '-'}  latest: ${w.latestVersion}  ${w.mode}  owner: ${w.owner}  reviewBy: ${w.reviewBy}${w.overdueReview ? '  REVIEW OVERDUE' : ''}`,
    )
    .join('\n');
}

function versionsText(body: Body): string {
  const versions = (body.versions ?? []) as VersionLine[];
  const head = `${String(body.name)} (${String(body.status)})`;
  return [
    head,
    ...versions.map(
      (v) =>
        `${v.active ? '*' : ' '} ${v.version}  ${v.createdAt}  ${v.author}  ${v.mode}  review: ${v.review.blocking} blocking, ${v.review.findings.length} finding(s)  ${v.contentHash.slice(0, 19)}`,
    ),
  ].join('\n');
}
