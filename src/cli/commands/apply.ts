import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { SourceDocument } from '../../core/loader/source-document.js';
import { discoverYamlFiles, readText, type InputFile } from '../../project/files.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { apiClient, reportFailure, withApiOptions, type ApiClient, type ApiOptions } from '../api-client.js';
import type { CliIo } from '../io.js';

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  blocking: boolean;
}
interface Proposed {
  workflow: string;
  created: boolean;
  status: string;
  version: { version: number; review: { blocking: number; findings: Finding[] } };
}

/**
 * `rectify apply DIR`: proposes, through the API, each workflow of DIR whose text is not the
 * active version's. Never activates: a reviewer does, with `rectify workflows activate`.
 */
export function registerApply(program: Command, context: CommandContext): void {
  withApiOptions(
    program
      .command('apply')
      .description(
        'Propose to a running server each workflow of a folder whose text differs from its active version (reviewed there; activated by a reviewer).',
      )
      .argument(
        '<dir>',
        'a folder (searched for *.yaml / *.yml; NAME.test.yaml beside a workflow is sent as its tests)',
      ),
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 every file unchanged or proposed with no blocking finding, 1 a file does not load, is blocked by the review or was refused, 2 usage error, 3 no workflow file found or the server cannot be reached.\nNext: rectify workflows activate NAME VERSION (by someone other than the author).',
    )
    .action(async (dir: string, options: ApiOptions) => {
      context.setExitCode(await apply(dir, options, context));
    });
}

async function apply(dir: string, options: ApiOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const discovery = await discoverYamlFiles([dir], io.cwd);
  for (const line of discovery.missing) io.err(`${io.errStyle.red('error')} ${line}`);
  const byPath = new Map(discovery.files.map((file) => [file.absolute, file]));
  const workflows: { file: InputFile; content: string }[] = [];
  let failed = discovery.missing.length > 0;
  for (const file of discovery.files.filter((f) => !/\.test\.ya?ml$/i.test(f.absolute))) {
    const read = await readText(file);
    if ('error' in read) {
      io.out(`${file.display}: ${io.style.red('rejected')}: ${read.error}`);
      failed = true;
      continue;
    }
    const kind = kindOf(read.text);
    // The config and other kinds of documents may share the folder: only workflows are proposed.
    if (kind === undefined || kind === 'Workflow') workflows.push({ file, content: read.text });
  }
  if (workflows.length === 0 && !failed) {
    io.err(`${io.errStyle.red('error')} no workflow files found in ${dir}`);
    return ExitCode.noInput;
  }
  const client = await apiClient(io, options);
  if ('exitCode' in client) return client.exitCode;
  for (const { file, content } of workflows) {
    const outcome = await applyFile(file, content, byPath, client, io);
    if (outcome === 'unreachable')
      return reportFailure(io, {
        status: 0,
        body: `cannot reach ${client.url}: is \`rectify serve\` running there?`,
      });
    failed ||= !outcome;
  }
  return failed ? ExitCode.failed : ExitCode.ok;
}

/** Proposes one file and prints what happened; false when it failed to load or is blocked. */
async function applyFile(
  file: InputFile,
  content: string,
  byPath: ReadonlyMap<string, InputFile>,
  client: ApiClient,
  io: CliIo,
): Promise<boolean | 'unreachable'> {
  const name = nameOf(content);
  // Compared with the ACTIVE version first: re-proposing the text that already runs would make a
  // new version of it whenever a different one waits for activation.
  if (name) {
    const current = await client.request('GET', `/v1/workflows/${encodeURIComponent(name)}`);
    if (current.status === 0) return 'unreachable';
    const versions = (objectOf(current.body).versions ?? []) as {
      version: number;
      contentHash: string;
      active: boolean;
    }[];
    const active = versions.find((version) => version.active);
    if (
      current.status === 200 &&
      active?.contentHash === `sha256:${createHash('sha256').update(content).digest('hex')}`
    ) {
      io.out(`${file.display}: unchanged (${name} version ${active.version} is active)`);
      return true;
    }
  }
  const testsFile = byPath.get(file.absolute.replace(/\.(ya?ml)$/i, '.test.$1'));
  const tests = testsFile ? await readText(testsFile) : undefined;
  const answer = await client.request('POST', '/v1/workflows', {
    content,
    file: file.display,
    ...(tests && 'text' in tests ? { tests: tests.text } : {}),
  });
  if (answer.status === 0) return 'unreachable';
  const body = objectOf(answer.body);
  if (answer.status !== 200 && answer.status !== 201) {
    const problem = body as { status?: number; title?: string; detail?: string; hint?: string };
    io.out(
      `${file.display}: ${io.style.red('rejected')}: ${answer.status} ${problem.title ?? 'Error'}: ${problem.detail ?? 'no detail'}`,
    );
    const diagnostics = (body.diagnostics ?? []) as { location: string; message: string; hint?: string }[];
    for (const d of diagnostics)
      io.out(`  ${d.location}: ${d.message}${d.hint ? `\n    hint: ${d.hint}` : ''}`);
    if (diagnostics.length === 0 && problem.hint) io.out(`  hint: ${problem.hint}`);
    return false;
  }
  const proposed = body as unknown as Proposed;
  const { version, review } = proposed.version;
  const workflow = proposed.workflow;
  if (!proposed.created) {
    io.out(
      `${file.display}: unchanged (already proposed as ${workflow} version ${version}, ${review.blocking === 0 ? 'awaiting activation' : 'blocked by its review'})`,
    );
    return review.blocking === 0;
  }
  if (review.blocking === 0) {
    io.out(
      `${file.display}: ${io.style.green('proposed')} ${workflow} version ${version} (review: 0 blocking)`,
    );
    io.out(`  next: rectify workflows activate ${workflow} ${version}   (by someone other than the author)`);
    return true;
  }
  io.out(
    `${file.display}: ${io.style.red('rejected')}: ${workflow} version ${version} has ${review.blocking} blocking review finding(s) and cannot be activated`,
  );
  for (const finding of review.findings.filter((f) => f.blocking))
    io.out(
      `  ${finding.file}:${finding.line}:${finding.column} ${finding.severity} ${finding.ruleId}: ${finding.message}`,
    );
  return false;
}

function objectOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

function rawValue(content: string): Record<string, unknown> | undefined {
  const value = SourceDocument.parse('apply.yaml', content).source.value;
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function kindOf(content: string): string | undefined {
  const kind = rawValue(content)?.kind;
  return typeof kind === 'string' ? kind : undefined;
}

function nameOf(content: string): string | undefined {
  const metadata = rawValue(content)?.metadata as { name?: unknown } | undefined;
  return typeof metadata?.name === 'string' && /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(metadata.name)
    ? metadata.name
    : undefined;
}
