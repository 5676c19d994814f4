import type { Command } from 'commander';
import {
  apiClient,
  apiExitCodesHelp,
  reportFailure,
  withApiOptions,
  type ApiOptions,
} from '../api-client.js';
import type { CommandContext, OutputFormat } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { compact } from '../timeline.js';

/** `rectify runs approve|reject|cancel|rollback RUN_ID`: decisions on a run, through the server's API. */
export function registerRunDecisions(runs: Command, context: CommandContext): void {
  const verbs = {
    approve:
      'Approve a run waiting for approval (runs:approve; never a run you started). Prints the preview it approves.',
    reject: 'Reject a run waiting for approval (runs:approve).',
    cancel:
      'Cancel a run: nothing more is done; done steps are undone when the workflow compensates (runs:cancel).',
    rollback:
      "Undo a finished run's changes, newest first, from the snapshots taken before them; the run ends rolled-back (runs:start).",
  } as const;
  for (const [verb, description] of Object.entries(verbs) as [keyof typeof verbs, string][]) {
    withApiOptions(
      runs.command(verb).description(description).argument('<run-id>', 'the run, as `runs list` prints it'),
    )
      .option('--format <format>', 'text or json', 'text')
      .addHelpText('after', apiExitCodesHelp)
      .action(async (runId: string, options: ApiOptions & { format: OutputFormat }) => {
        context.setExitCode(await decide(verb, runId, options, context));
      });
  }
}

async function decide(
  verb: 'approve' | 'reject' | 'cancel' | 'rollback',
  runId: string,
  options: ApiOptions & { format: OutputFormat },
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const client = await apiClient(io, options);
  if ('exitCode' in client) return client.exitCode;
  const answer = await client.request(
    'POST',
    `/v1/runs/${encodeURIComponent(runId)}/${verb}`,
    verb === 'cancel' || verb === 'rollback' ? undefined : {},
  );
  if (answer.status !== 200) return reportFailure(io, answer);
  if (options.format === 'json') {
    io.out(JSON.stringify({ version: 1, ...(answer.body as object) }, null, 2));
    return ExitCode.ok;
  }
  const body = answer.body as {
    preview?: { stepId: string; action: string; params: unknown }[];
    run?: { outcome?: string };
  };
  if (verb === 'cancel') io.out(`${runId} cancelled${body.run?.outcome ? ` (${body.run.outcome})` : ''}`);
  else if (verb === 'rollback')
    io.out(`${runId} rolled back${body.run?.outcome ? ` (${body.run.outcome})` : ''}`);
  else {
    io.out(`${runId} ${verb === 'approve' ? 'approved' : 'rejected'}`);
    for (const action of body.preview ?? [])
      io.out(`  ${action.stepId}: ${action.action} ${compact(action.params)}`);
  }
  return ExitCode.ok;
}

/** `runs list` / `runs show` through the API, when a server is named: the same JSON as locally. */
export async function remoteRuns(
  what: { list: Record<string, string | undefined> } | { show: string },
  options: ApiOptions & { format: OutputFormat },
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const client = await apiClient(io, options);
  if ('exitCode' in client) return client.exitCode;
  if ('show' in what) {
    const answer = await client.request('GET', `/v1/runs/${encodeURIComponent(what.show)}`);
    if (answer.status !== 200) return reportFailure(io, answer);
    const run = (
      answer.body as {
        run: Record<string, unknown> & { audit: { at: string; kind: string; data: unknown }[] };
      }
    ).run;
    if (options.format === 'json') io.out(JSON.stringify({ version: 1, run }, null, 2));
    else {
      io.out(
        `${String(run.id)}  ${String(run.workflow)}  (${String(run.mode)})  ${String(run.outcome ?? run.status)}`,
      );
      if (typeof run.reason === 'string') io.out(`  ${run.reason}`);
      for (const record of run.audit)
        io.out(`  ${record.at}  ${record.kind.padEnd(19)}  ${compact(record.data)}`);
    }
    return ExitCode.ok;
  }
  const query = new URLSearchParams(
    Object.entries(what.list).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const answer = await client.request('GET', `/v1/runs?${query.toString()}`);
  if (answer.status !== 200) return reportFailure(io, answer);
  const runs = (answer.body as { runs: Record<string, unknown>[] }).runs;
  if (options.format === 'json') io.out(JSON.stringify({ version: 1, runs }, null, 2));
  else if (runs.length === 0) io.out(`no runs on ${client.url}`);
  else
    for (const run of runs)
      io.out(
        [run.id, run.createdAt, run.workflow, run.mode, run.outcome ?? run.status, run.reason ?? '']
          .map(String)
          .join('  '),
      );
  return ExitCode.ok;
}
