import { Option, type Command } from 'commander';
import { runOutcomes, type RunOutcome } from '../../core/types.js';
import type { RunFilter } from '../../store/store.js';
import type { CommandContext, OutputFormat } from '../context.js';
import { outputFormats } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { serverNamed, withApiOptions, type ApiOptions } from '../api-client.js';
import { openReadingStore } from '../reading-store.js';
import { registerRunDecisions, remoteRuns } from './runs-remote.js';
import {
  formatTimeline,
  loadTimelines,
  runStanding,
  runSummaryJson,
  styleStanding,
  timelineJson,
} from '../timeline.js';

interface StoreOptions extends ApiOptions {
  store?: string;
  config?: string;
  format: OutputFormat;
}

interface ListOptions extends StoreOptions {
  workflow?: string;
  outcome?: RunOutcome;
  limit: string;
}

const maxLimit = 10_000;

/**
 * `rectify runs list` and `rectify runs show RUN_ID`: runs as the store holds them, or through
 * the API when a server is named (--server / RECTIFY_SERVER); `runs approve|reject|cancel` always
 * through the API (runs-remote.ts).
 */
export function registerRuns(program: Command, context: CommandContext): void {
  const runs = program
    .command('runs')
    .description("Read the runs in the store: list them, or show one run's timeline.");
  withStoreOptions(
    runs
      .command('list')
      .description('List runs, newest first.')
      .option('--workflow <name>', 'only runs of this workflow')
      .addOption(
        new Option(
          '--outcome <outcome>',
          'only runs with this outcome (awaiting_approval: those waiting)',
        ).choices(runOutcomes),
      )
      .option('--limit <n>', `at most this many runs (1 to ${maxLimit})`, '50'),
  ).action(async (options: ListOptions) => {
    context.setExitCode(await listRuns(options, context));
  });
  withStoreOptions(
    runs
      .command('show')
      .description(
        "Show a run's timeline: its outcome and reason, then every audit record with its time, action, parameters and result.",
      )
      .argument('<run-id>', 'the run, as `runs list` or `run` print it'),
  ).action(async (runId: string, options: StoreOptions) => {
    context.setExitCode(
      serverNamed(context.io, options)
        ? await remoteRuns({ show: runId }, options, context)
        : await showRun(runId, options, context),
    );
  });
  registerRunDecisions(runs, context);
}

function withStoreOptions(command: Command): Command {
  return withApiOptions(command)
    .option('--store <url>', "store URL (default: the config's `store`, else sqlite:.rectify/rectify.db)")
    .option('--config <file>', 'config file (default: $RECTIFY_CONFIG, else ./rectify.yaml when present)')
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('text'))
    .addHelpText(
      'after',
      '\nWith --server (or RECTIFY_SERVER) the runs are read through the API with a token (RECTIFY_TOKEN or --token-file).\nExit codes: 0 ok, 1 no such run (or refused by the server), 2 usage error, 3 no store there (nothing has run yet), an unreadable config, or the server cannot be reached.',
    );
}

async function listRuns(options: ListOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const limit = Number(options.limit);
  if (!/^\d+$/.test(options.limit) || limit < 1 || limit > maxLimit) {
    io.err(
      `error: --limit takes a whole number from 1 to ${maxLimit}; got "${options.limit}"\n(run with --help for usage)`,
    );
    return ExitCode.usage;
  }
  if (serverNamed(io, options))
    return remoteRuns(
      { list: { workflow: options.workflow, outcome: options.outcome, limit: options.limit } },
      options,
      context,
    );
  const opened = await openReadingStore(context, options);
  if (!opened.ok) return opened.exitCode;
  const { store } = opened;
  try {
    // A run waiting for approval has no outcome yet; its status says so.
    const filter: RunFilter = {
      limit,
      ...(options.workflow !== undefined ? { workflow: options.workflow } : {}),
      ...(options.outcome === 'awaiting_approval'
        ? { status: 'awaiting_approval' as const }
        : options.outcome !== undefined
          ? { outcome: options.outcome }
          : {}),
    };
    const rows = await store.transaction((tx) => tx.listRuns(filter));
    if (options.format === 'json') {
      io.out(JSON.stringify({ version: 1, runs: rows.map(runSummaryJson) }, null, 2));
      return ExitCode.ok;
    }
    if (rows.length === 0) {
      const filters = [
        options.workflow && `workflow ${options.workflow}`,
        options.outcome && `outcome ${options.outcome}`,
      ].filter(Boolean);
      io.out(
        `no runs${filters.length > 0 ? ` with ${filters.join(' and ')}` : ''} in ${opened.location.display}`,
      );
      return ExitCode.ok;
    }
    const style = io.style;
    const table = rows.map((run) => ({
      run,
      cells: [
        run.id,
        new Date(run.createdAt)
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, 'Z'),
        run.workflow,
        run.mode,
        runStanding(run),
      ],
    }));
    const widths = [0, 1, 2, 3, 4].map((i) =>
      Math.max(
        ['RUN', 'CREATED', 'WORKFLOW', 'MODE', 'OUTCOME'][i]?.length ?? 0,
        ...table.map((t) => t.cells[i]?.length ?? 0),
      ),
    );
    const pad = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
    io.out(style.bold(`${pad(['RUN', 'CREATED', 'WORKFLOW', 'MODE', 'OUTCOME'])}  REASON`));
    for (const { run, cells } of table) {
      const standing = styleStanding(run, style) + ' '.repeat((widths[4] ?? 0) - (cells[4]?.length ?? 0));
      const reason = run.reason ?? '';
      io.out(
        `${pad(cells.slice(0, 4))}  ${standing}  ${style.dim(reason.length > 100 ? `${reason.slice(0, 99)}…` : reason)}`,
      );
    }
    if (rows.length === limit) io.out(style.dim(`(the newest ${limit}; --limit shows more)`));
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

async function showRun(runId: string, options: StoreOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const opened = await openReadingStore(context, options);
  if (!opened.ok) return opened.exitCode;
  const { store } = opened;
  try {
    const run = await store.transaction((tx) => tx.getRun(runId));
    if (!run) {
      io.err(
        `${io.errStyle.red('error')} no run ${runId} in ${opened.location.display}; \`rectify runs list\` lists them`,
      );
      return ExitCode.failed;
    }
    const [timeline] = await loadTimelines(store, [run]);
    if (!timeline) return ExitCode.failed;
    if (options.format === 'json')
      io.out(JSON.stringify({ version: 1, run: timelineJson(timeline, context.catalog) }, null, 2));
    else io.out(formatTimeline(timeline, io.style, context.catalog));
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
