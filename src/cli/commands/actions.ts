import { Option, type Command } from 'commander';
import { connectorStatus } from '../../connectors/catalog.js';
import type { CommandContext, OutputFormat } from '../context.js';
import { outputFormats } from '../context.js';
import { ExitCode } from '../exit-codes.js';

/** `rectify actions`: the action catalog, what each action does and how it is undone. */
export function registerActions(program: Command, context: CommandContext): void {
  program
    .command('actions')
    .description(
      'List the action catalog: effect, idempotency, sensitive parameters and inverse of every action.',
    )
    .option('--connector <name>', 'only this connector')
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('text'))
    .action((options: { connector?: string; format: OutputFormat }) => {
      const { io } = context;
      const actions = context.catalog
        .list()
        .filter((a) => !options.connector || a.connector === options.connector);
      if (options.connector && actions.length === 0) {
        io.err(
          `error: no connector named ${options.connector}; connectors: ${context.catalog.connectors().join(', ')}`,
        );
        context.setExitCode(ExitCode.usage);
        return;
      }
      if (options.format === 'json') {
        io.out(
          JSON.stringify(
            actions.map((a) => ({
              id: a.id,
              connector: a.connector,
              status: connectorStatus[a.connector] ?? 'unknown',
              title: a.title,
              description: a.description,
              effect: a.effect,
              idempotent: a.idempotent,
              slow: a.slow,
              sensitive: a.sensitive,
              resource: a.resource,
              scope: a.scope,
              inverse: a.inverse ?? null,
              simulated: a.simulated,
            })),
            null,
            2,
          ),
        );
        return;
      }
      let connector = '';
      for (const action of actions) {
        if (action.connector !== connector) {
          connector = action.connector;
          const status = connectorStatus[connector];
          const note =
            status === 'simulated'
              ? 'SIMULATED: in-memory resources, no real system'
              : status === 'real'
                ? 'acts on real systems with the credential a workflow names'
                : '';
          io.out(`\n${io.style.bold(connector)} ${io.style.dim(note)}`);
        }
        const inverse =
          action.inverse === undefined
            ? ''
            : 'none' in action.inverse
              ? `no undo: ${action.inverse.none}`
              : `undo: ${action.inverse.action}`;
        const traits = [
          action.effect,
          action.idempotent ? 'idempotent' : 'not idempotent',
          action.slow ? 'slow' : '',
        ]
          .filter(Boolean)
          .join(', ');
        const sensitive = Object.entries(action.sensitive).map(([param, kind]) => `${param} (${kind})`);
        io.out(`  ${action.id.padEnd(42)} ${traits}${inverse ? `; ${inverse}` : ''}`);
        if (sensitive.length > 0)
          io.out(`  ${' '.repeat(42)} ${io.style.dim(`sensitive: ${sensitive.join(', ')}`)}`);
      }
    });
}
