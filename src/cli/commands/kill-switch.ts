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

/** `rectify kill-switch on|off|status`, through the API (control:pause; status: workflows:read). */
export function registerKillSwitch(program: Command, context: CommandContext): void {
  withApiOptions(
    program
      .command('kill-switch')
      .description(
        'Turn the global kill switch on (no write action runs anywhere, at once) or off, or show it. Needs control:pause.',
      )
      .argument('<state>', 'on, off or status'),
  )
    .addHelpText('after', apiExitCodesHelp)
    .action(async (state: string, options: ApiOptions) => {
      context.setExitCode(await killSwitch(state, options, context));
    });
}

async function killSwitch(state: string, options: ApiOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  if (!['on', 'off', 'status'].includes(state)) {
    io.err(`error: kill-switch takes on, off or status; got "${state}"\n(run with --help for usage)`);
    return ExitCode.usage;
  }
  const client = await apiClient(io, options);
  if ('exitCode' in client) return client.exitCode;
  if (state === 'status') {
    const answer = await client.request('GET', '/v1/control');
    if (answer.status !== 200) return reportFailure(io, answer);
    const body = answer.body as {
      killSwitch: boolean;
      workflows: { workflow: string; paused: boolean; reason: string | null }[];
    };
    io.out(`kill switch ${body.killSwitch ? io.style.red('ON: no write action runs') : 'off'}`);
    for (const w of body.workflows.filter((w) => w.paused))
      io.out(`paused  ${w.workflow}${w.reason ? `: ${w.reason}` : ''}`);
    return ExitCode.ok;
  }
  const answer = await client.request('PUT', '/v1/control/kill-switch', { on: state === 'on' });
  if (answer.status !== 200) return reportFailure(io, answer);
  io.out(
    state === 'on'
      ? 'kill switch ON: no write action runs anywhere until it is turned off'
      : 'kill switch off',
  );
  return ExitCode.ok;
}
