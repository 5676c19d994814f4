import type { Command } from 'commander';
import {
  apiClient,
  apiExitCodesHelp,
  reportFailure,
  withApiOptions,
  type ApiOptions,
} from '../api-client.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

interface PauseOptions extends ApiOptions {
  reason?: string;
}

/** `rectify pause WORKFLOW` and `rectify resume WORKFLOW`, through the API (control:pause). */
export function registerPause(program: Command, context: CommandContext): void {
  for (const paused of [true, false]) {
    const command = program
      .command(paused ? 'pause' : 'resume')
      .description(
        paused
          ? 'Pause a workflow on the server: its events are recorded as `paused` runs until it is resumed (runs under way continue). Needs control:pause.'
          : 'Resume a paused workflow on the server. Needs control:pause.',
      )
      .argument('<workflow>', 'the workflow name');
    if (paused) command.option('--reason <text>', 'why; shown with the pause and in the audit log');
    withApiOptions(command)
      .addHelpText('after', apiExitCodesHelp)
      .action(async (workflow: string, options: PauseOptions) => {
        context.setExitCode(await setPaused(workflow, paused, options, context));
      });
  }
}

async function setPaused(
  workflow: string,
  paused: boolean,
  options: PauseOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const client = await apiClient(io, options);
  if ('exitCode' in client) return client.exitCode;
  const answer = await client.request(
    'POST',
    `/v1/workflows/${encodeURIComponent(workflow)}/${paused ? 'pause' : 'resume'}`,
    options.reason !== undefined ? { reason: options.reason } : {},
  );
  if (answer.status !== 200) return reportFailure(io, answer);
  io.out(`${workflow} ${paused ? `paused${options.reason ? `: ${options.reason}` : ''}` : 'resumed'}`);
  return ExitCode.ok;
}
