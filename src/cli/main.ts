import { Command, CommanderError } from 'commander';
import { defaultCatalog } from '../connectors/catalog.js';
import { registerActions } from './commands/actions.js';
import { registerApply } from './commands/apply.js';
import { registerAudit } from './commands/audit.js';
import { registerKillSwitch } from './commands/kill-switch.js';
import { registerPause } from './commands/pause.js';
import { registerEvents } from './commands/events.js';
import { registerPlan } from './commands/plan.js';
import { registerReview } from './commands/review.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSchema } from './commands/schema.js';
import { registerServe } from './commands/serve.js';
import { registerToken } from './commands/token.js';
import { registerValidate } from './commands/validate.js';
import { registerWorkflows } from './commands/workflows.js';
import type { CommandContext } from './context.js';
import { ExitCode } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { packageVersion } from './version.js';

/**
 * Runs the CLI and returns its exit code. Never throws: a usage error is exit 2 with a message,
 * and an unexpected failure is reported in one line (the stack only with RECTIFY_DEBUG=1).
 * @example process.exitCode = await main(process.argv)
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const context: CommandContext = { io, catalog: defaultCatalog(), setExitCode: (code) => (exitCode = code) };
  const program = new Command('rectify')
    .description('Rectify: auto-remediation workflows that are reviewed for safety before they may act.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => {
        io.out(text.replace(/\n$/, ''));
      },
      writeErr: (text) => {
        io.err(text.replace(/\n$/, ''));
      },
    })
    .exitOverride();
  registerValidate(program, context);
  registerReview(program, context);
  registerPlan(program, context);
  registerSchema(program, context);
  registerActions(program, context);
  registerRun(program, context);
  registerRuns(program, context);
  registerAudit(program, context);
  registerServe(program, context);
  registerToken(program, context);
  registerPause(program, context);
  registerKillSwitch(program, context);
  registerApply(program, context);
  registerWorkflows(program, context);
  registerEvents(program, context);
  // Subcommands too (`runs list`): a usage error must come back here, never exit the process.
  const configure = (commands: readonly Command[]): void => {
    for (const command of commands) {
      command.exitOverride().showHelpAfterError('(run with --help for usage)');
      configure(command.commands);
    }
  };
  configure(program.commands);

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
      return ExitCode.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`rectify: internal error: ${message}`);
    if (io.env.RECTIFY_DEBUG === '1' && error instanceof Error && error.stack) io.err(error.stack);
    else io.err('This is a bug in Rectify. Run again with RECTIFY_DEBUG=1 to see where, and report it.');
    return 70;
  }
}
