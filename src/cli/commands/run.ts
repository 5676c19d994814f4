import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { allConnectors, closeConnectors } from '../../connectors/all-connectors.js';
import type { ResolvedCredential } from '../../core/catalog/connector.js';
import { resolveCredentials, secretResolver } from '../../server/resolve-secrets.js';
import type { CompiledWorkflow } from '../../core/compile/compiled-workflow.js';
import { parseDuration } from '../../core/duration.js';
import { eventSchema } from '../../core/model/event.js';
import { Engine } from '../../engine/engine.js';
import type { IngestResult } from '../../engine/ingest.js';
import { displayPath } from '../../project/files.js';
import { isParseFailure, loadProject } from '../../project/load-project.js';
import { allRules } from '../../review/registry.js';
import { formatText } from '../../review/formats/text.js';
import { defaultGate, isBlocking } from '../../review/gate.js';
import { reviewProject } from '../../review/review-project.js';
import type { RunRow, Store } from '../../store/store.js';
import { loadConfigFile } from '../config-file.js';
import type { CommandContext, OutputFormat } from '../context.js';
import { outputFormats } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseJsonText } from '../json-text.js';
import { formatResults } from '../print-diagnostics.js';
import { lockStore } from '../store-lock.js';
import { openStore, resolveStoreUrl } from '../store-url.js';
import {
  endedWell,
  formatTimeline,
  isSettled,
  loadTimelines,
  runStanding,
  timelineJson,
} from '../timeline.js';
import { packageVersion } from '../version.js';

interface RunOptions {
  event: string;
  workflows?: string;
  config?: string;
  store?: string;
  timeout: string;
  format: OutputFormat;
}

const exitCodesHelp = `
Exit codes:
  0  every run of the event ended in succeeded, dry-run, skipped, exempted, deduplicated,
     or waits for approval (also: the event matched no workflow, or was already received)
  1  a run ended failed, compensated, unverified, needs_attention, cancelled, rejected, paused
     or rate-limited, or had not finished at --timeout; or a file does not load, the review
     has blocking findings, or the event is not a valid event
  2  usage error
  3  no input: the event file, the config or the workflows cannot be read, or is not JSON/YAML
See docs/engine.md.`;

/** `rectify run --event FILE`: review the workflows, then run an event through the engine. */
export function registerRun(program: Command, context: CommandContext): void {
  program
    .command('run')
    .description(
      "Run one event (or a JSON array of events) through the engine (the SIMULATED sandbox and the real connectors, with the config's credentials), and print each run's timeline. Workflows are validated and reviewed first: blocking findings refuse the run.",
    )
    .requiredOption('--event <file>', 'JSON file: one event envelope, or an array of them')
    .option(
      '--workflows <dir>',
      "workflows folder (default: the config's `workflows`, from the config's folder)",
    )
    .option('--config <file>', 'config file (default: $RECTIFY_CONFIG, else ./rectify.yaml when present)')
    .option('--store <url>', "store URL (default: the config's `store`, else sqlite:.rectify/rectify.db)")
    .option('--timeout <duration>', 'how long to wait for runs to finish or ask for approval', '5m')
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('text'))
    .addHelpText('after', exitCodesHelp)
    .action(async (options: RunOptions) => {
      context.setExitCode(await runEvent(options, context));
    });
}

async function runEvent(options: RunOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const err = io.errStyle;
  const fail = (code: number, ...lines: string[]): number => {
    for (const line of lines) io.err(line);
    return code;
  };
  const timeoutMs = parseDuration(options.timeout);
  if (timeoutMs === undefined)
    return fail(
      ExitCode.usage,
      `error: --timeout takes a duration such as 30s, 5m or 1h; got "${options.timeout}"\n(run with --help for usage)`,
    );

  // The event first: the cheapest input to get wrong.
  const events = await readEvents(options.event, io);
  if (!events.ok) return fail(events.exitCode, ...events.lines);

  const configLoad = await loadConfigFile(io, context.catalog, options.config);
  if (!configLoad.ok) return fail(configLoad.exitCode, ...configLoad.lines);
  const loadedConfig = configLoad.loaded;
  const workflowsDir =
    options.workflows !== undefined
      ? resolve(io.cwd, options.workflows)
      : loadedConfig
        ? resolve(dirname(loadedConfig.file.absolute), loadedConfig.config.workflows)
        : undefined;
  if (workflowsDir === undefined)
    return fail(
      ExitCode.usage,
      'error: which workflows? Pass --workflows DIR, or a config (--config, RECTIFY_CONFIG or ./rectify.yaml) whose `workflows` names the folder\n(run with --help for usage)',
    );

  // Load everything the run depends on; a file that does not load refuses the run.
  const paths = [...(loadedConfig ? [loadedConfig.file.absolute] : []), workflowsDir];
  const project = await loadProject(paths, { catalog: context.catalog, cwd: io.cwd });
  const loadErrors = [...project.results.flatMap((r) => r.diagnostics), ...project.crossFile].filter(
    (d) => d.severity === 'error',
  );
  for (const line of project.unreadable) io.err(`${err.red('error')} ${line}`);
  if (project.unreadable.length > 0) return ExitCode.noInput;
  if (loadErrors.length > 0) {
    io.err(formatResults(project.results, project.crossFile, err).join('\n\n'));
    const files = new Set(loadErrors.map((d) => d.file)).size;
    return fail(
      loadErrors.some(isParseFailure) ? ExitCode.noInput : ExitCode.failed,
      `${err.red('error')} refusing to run: ${files} file(s) do not load (${loadErrors.length} error(s)); \`rectify validate\` checks them`,
    );
  }
  if (project.workflows.length === 0)
    return fail(
      ExitCode.noInput,
      `${err.red('error')} no workflow found in ${displayPath(workflowsDir, io.cwd)}`,
    );

  // The promise: a workflow is reviewed before it may act. The gate is `rectify review`'s default.
  const today = io.now().toISOString().slice(0, 10);
  const sources = new Map(project.results.map((r) => [r.file, r.source]));
  const review = reviewProject(
    {
      sources,
      workflows: project.workflows,
      tests: project.tests.map((t) => t.test),
      configs: project.configs,
      diagnostics: [],
    },
    { catalog: context.catalog, today },
  );
  const blocking = review.findings.filter((f) => isBlocking(f, defaultGate));
  if (blocking.length > 0) {
    io.err(
      formatText(
        {
          tool: { name: 'Rectify', version: packageVersion() },
          findings: review.findings,
          rules: allRules,
          gate: defaultGate,
          notRun: review.notRun,
          clearedFlows: review.clearedFlows,
          sources,
          files: project.results.map((r) => r.file),
        },
        err,
      ),
    );
    return fail(
      ExitCode.failed,
      `${err.red('error')} refusing to run: the review has ${blocking.length} blocking finding(s). Fix them, or accept one with a reviewed suppression (docs/review.md); \`rectify review\` shows the same.`,
    );
  }

  const resolved = resolveStoreUrl({
    flag: options.store,
    config: loadedConfig && { url: loadedConfig.config.store, file: loadedConfig.file.absolute },
    cwd: io.cwd,
  });
  if (!resolved.ok) return fail(resolved.exitCode, `${err.red('error')} ${resolved.message}`);
  const location = resolved.location;

  const text = options.format === 'text';
  const style = io.style;
  if (text) {
    if (loadedConfig) io.out(style.dim(`config     ${loadedConfig.file.display}`));
    io.out(
      style.dim(
        `workflows  ${displayPath(workflowsDir, io.cwd)}: ${project.workflows.length} loaded, reviewed with no blocking finding${review.notRun.length > 0 ? ` (rules not run: ${review.notRun.join(', ')})` : ''}`,
      ),
    );
    io.out(style.dim(`store      ${location.display}`));
  }

  const opened = openStore(location);
  if (!opened.ok) return fail(ExitCode.failed, `${err.red('error')} ${opened.message}`);
  const store = opened.store;
  const lock = lockStore(location.path);
  if (!lock.ok) {
    await store.close();
    return fail(
      ExitCode.failed,
      `${err.red('error')} another Rectify process (pid ${lock.holder}) is running an engine on ${location.display}; one engine at a time may use a SQLite store. If no such process exists, delete ${displayPath(lock.file, io.cwd)}.`,
    );
  }
  try {
    // The config's credentials, secrets resolved from the environment; one that does not resolve
    // is left out (its workflows' calls fail naming it) and noted. No config: sandbox only.
    let credentials: Map<string, ResolvedCredential> | undefined;
    let unresolved: string[] = [];
    if (loadedConfig) {
      const resolved = resolveCredentials(
        loadedConfig.config,
        secretResolver(io.env, dirname(loadedConfig.file.absolute)),
      );
      credentials = resolved.credentials;
      unresolved = resolved.problems;
    }
    return await drive(events.values, project.workflows, store, loadedConfig?.config.killSwitch ?? false, {
      ...options,
      timeoutMs,
      context,
      credentials,
      unresolved,
    });
  } finally {
    lock.release();
    await store.close();
  }
}

interface DriveOptions extends RunOptions {
  readonly timeoutMs: number;
  readonly context: CommandContext;
  readonly credentials: ReadonlyMap<string, ResolvedCredential> | undefined;
  /** Credentials whose secret did not resolve: why, per credential. */
  readonly unresolved: readonly string[];
}

async function drive(
  events: readonly unknown[],
  workflows: readonly CompiledWorkflow[],
  store: Store,
  killSwitch: boolean,
  options: DriveOptions,
): Promise<number> {
  const { io, catalog } = options.context;
  const style = io.style;
  const text = options.format === 'text';
  // The sandbox (SIMULATED, a fresh world each time) and the real connectors, which act with the
  // credential each workflow names.
  const connectors = allConnectors();
  const errors = new Map<string, string>();
  const resumed = await store.transaction((tx) => tx.unfinishedRuns());
  const engine = await Engine.start({
    store,
    workflows,
    connectors,
    killSwitch,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    onError: (error, where) => {
      const runId = /\brun (\S+)$/.exec(where)?.[1];
      if (runId) errors.set(runId, error.message);
      io.err(`${io.errStyle.red('error')} the engine failed on ${where}: ${error.message}`);
    },
  });
  if (resumed.length > 0) {
    io.err(
      `note: resuming ${resumed.length} unfinished run(s) of an earlier start on this store: ${resumed
        .map((r) => `${r.id} (${r.workflow}, ${r.status})`)
        .join(', ')}`,
    );
  }

  let results: IngestResult[] = [];
  let rows: RunRow[] = [];
  let timedOut = false;
  try {
    results = events.length === 1 ? [await engine.ingest(events[0])] : await engine.ingestBatch(events);
    const runIds = results.flatMap((r) => (r.status === 'accepted' ? r.runs.map((run) => run.runId) : []));
    if (text) {
      for (const [index, result] of results.entries())
        io.out(describeIngest(result, events[index], index, events.length));
    }
    noteUnavailableCredentials(results, workflows, options.unresolved, io);
    rows = await waitForRuns(engine, store, runIds, Date.now() + options.timeoutMs, errors, io);
    timedOut = rows.some((r) => !isSettled(r) && !errors.has(r.id));
  } finally {
    await engine.stop();
    await closeConnectors(connectors);
  }

  const timelines = await loadTimelines(store, rows);
  const failed = rows.filter((r) => !endedWell(r));
  const rejected = results.filter((r) => r.status === 'rejected');

  if (!text) {
    io.out(
      JSON.stringify(
        {
          version: 1,
          events: results.map((r) => ingestJson(r)),
          runs: timelines.map((t) => timelineJson(t, catalog)),
          timedOut,
        },
        null,
        2,
      ),
    );
  } else {
    for (const timeline of timelines) {
      io.out('');
      io.out(formatTimeline(timeline, style, catalog));
    }
    io.out('');
    if (rows.length > 0) io.out(summary(rows, style));
    if (timelines.some((t) => t.audit.some((a) => a.kind === 'action.intent' && a.data.simulated === true)))
      io.out(
        style.dim(
          '[SIMULATED] actions act on the in-memory sandbox connector, never on a real system; its world starts afresh with every `rectify run`.',
        ),
      );
  }
  for (const run of rows.filter((r) => !isSettled(r))) {
    const error = errors.get(run.id);
    io.err(
      error
        ? `${io.errStyle.red('error')} ${run.id} stopped at status ${run.status}: ${error}`
        : `${io.errStyle.yellow('timed out')} after ${options.timeout}: ${run.id} is ${run.status}${run.wakeAt !== null ? ` until ${new Date(run.wakeAt).toISOString()}` : ''}; it is stored, and resumes the next time an engine starts on this store`,
    );
  }
  return failed.length > 0 || rejected.length > 0 ? ExitCode.failed : ExitCode.ok;
}

/**
 * Waits until every run is done or waits for approval, or the deadline. The engine wakes
 * sleeping runs on its own timers; this polls the store for the runs of this event only (an
 * approval deadline is not waited for: the run has asked a person, which is an answer).
 */
async function waitForRuns(
  engine: Engine,
  store: Store,
  runIds: readonly string[],
  deadline: number,
  errors: Map<string, string>,
  io: CliIo,
): Promise<RunRow[]> {
  const announced = new Set<string>();
  const idleSeen = new Map<string, number>();
  for (;;) {
    await engine.idle();
    const rows = await store.transaction(async (tx) => {
      const found: RunRow[] = [];
      for (const id of runIds) {
        const row = await tx.getRun(id);
        if (row) found.push(row);
      }
      return found;
    });
    // Ready or running while the engine is idle: nothing drives it any more in this process.
    // Seen so a few polls in a row, it is not waited for until --timeout.
    for (const run of rows) {
      const stalled = run.status === 'ready' || run.status === 'running';
      const seen = stalled ? (idleSeen.get(run.id) ?? 0) + 1 : 0;
      idleSeen.set(run.id, seen);
      if (seen >= 3 && !errors.has(run.id))
        errors.set(
          run.id,
          'the engine stopped driving it (no error was reported); it resumes when an engine next starts on this store',
        );
    }
    const pending = rows.filter((r) => !isSettled(r) && !errors.has(r.id));
    const now = Date.now();
    if (pending.length === 0 || now >= deadline) return rows;
    let next = deadline;
    for (const run of pending) {
      if (run.status !== 'sleeping' || run.wakeAt === null) {
        next = now;
        continue;
      }
      next = Math.min(next, run.wakeAt);
      const key = `${run.id}@${run.wakeAt}`;
      if (run.wakeAt - now > 2_000 && !announced.has(key)) {
        announced.add(key);
        io.err(
          io.errStyle.dim(
            `waiting: ${run.id} (${run.workflow}) sleeps until ${new Date(run.wakeAt).toISOString()} (${run.state.phase}), ${Math.ceil((run.wakeAt - now) / 1000)}s`,
          ),
        );
      }
    }
    // The engine's own timer wakes the run; poll shortly after it is due.
    await new Promise((resolveWait) =>
      setTimeout(resolveWait, Math.min(Math.max(next - now + 5, 10), 1_000, deadline - now)),
    );
  }
}

/** Says which started workflows act with a credential whose secret did not resolve. */
function noteUnavailableCredentials(
  results: readonly IngestResult[],
  workflows: readonly CompiledWorkflow[],
  unresolved: readonly string[],
  io: CliIo,
): void {
  const started = new Set(
    results
      .flatMap((r) => (r.status === 'accepted' ? r.runs.filter((run) => run.outcome === null) : []))
      .map((run) => run.workflow),
  );
  for (const workflow of workflows) {
    const name = workflow.workflow.spec.credentials;
    if (!started.has(workflow.name) || name === undefined) continue;
    const why = unresolved.find((line) => line.startsWith(`credential ${name}:`));
    if (why)
      io.err(
        `note: ${workflow.name} acts with ${why}; its run fails at the first action (set the variable and run again)`,
      );
  }
}

type EventsRead =
  | { readonly ok: true; readonly values: readonly unknown[] }
  | { readonly ok: false; readonly exitCode: number; readonly lines: readonly string[] };

/** Reads the event file: JSON, one envelope or an array of them, each checked before any is ingested. */
async function readEvents(file: string, io: CliIo): Promise<EventsRead> {
  const style = io.errStyle;
  const display = displayPath(resolve(io.cwd, file), io.cwd);
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : String(error);
    return {
      ok: false,
      exitCode: ExitCode.noInput,
      lines: [`${style.red('error')} event file ${display}: ${reason}`],
    };
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    return {
      ok: false,
      exitCode: ExitCode.noInput,
      lines: [
        `${style.cyan(`${display}:${line}:${column}`)} ${style.red('error')} not valid JSON: ${message}`,
      ],
    };
  }
  const values = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  if (values.length === 0)
    return {
      ok: false,
      exitCode: ExitCode.noInput,
      lines: [`${style.red('error')} ${display}: the array holds no event`],
    };
  const lines: string[] = [];
  for (const [index, value] of values.entries()) {
    const check = eventSchema.safeParse(value);
    if (check.success) continue;
    const which = Array.isArray(parsed.value) ? ` event [${index}]` : '';
    for (const issue of check.error.issues) {
      const field = issue.path.join('.') || '(the event)';
      lines.push(
        `${style.cyan(display)}${which} ${style.red('error')} ${style.bold(field)}: ${issue.message}`,
      );
    }
    if (looksLikeWebhook(value))
      lines.push(
        `  ${style.bold('hint:')} this looks like an Alertmanager webhook body; \`rectify run\` takes events in Rectify's envelope (id, source, type, time, resource, data: docs/workflows.md), which a source's adapter makes from such bodies`,
      );
  }
  if (lines.length > 0) {
    lines.push(`${style.red('error')} no event was ingested: fix ${display} and run again`);
    return { ok: false, exitCode: ExitCode.failed, lines };
  }
  return { ok: true, values };
}

function looksLikeWebhook(value: unknown): boolean {
  return value !== null && typeof value === 'object' && 'alerts' in value && 'receiver' in value;
}

function eventName(event: unknown): string {
  const e = event as { source?: unknown; id?: unknown; type?: unknown };
  return `${String(e.source)}/${String(e.id)} (${String(e.type)})`;
}

function describeIngest(result: IngestResult, event: unknown, index: number, count: number): string {
  const which = count > 1 ? `event [${index}] ` : 'event ';
  switch (result.status) {
    case 'rejected':
      return `${which}${eventName(event)}: rejected: ${result.reason}`;
    case 'duplicate':
      return `${which}${eventName(event)}: already received as event #${result.seq}; an event is processed once (by source and id): give it a new id to run it again, \`rectify runs list\` shows the earlier runs`;
    case 'accepted':
      return result.runs.length === 0
        ? `${which}${eventName(event)}: accepted as event #${result.seq}; it matched no workflow`
        : `${which}${eventName(event)}: accepted as event #${result.seq}; ${result.runs.length} run(s): ${result.runs.map((r) => r.workflow).join(', ')}`;
  }
}

function ingestJson(result: IngestResult): Record<string, unknown> {
  switch (result.status) {
    case 'rejected':
      return { status: 'rejected', reason: result.reason, field: result.field ?? null };
    case 'duplicate':
      return { status: 'duplicate', seq: result.seq };
    case 'accepted':
      return { status: 'accepted', seq: result.seq, runs: result.runs.map((r) => r.runId) };
  }
}

function summary(rows: readonly RunRow[], style: CliIo['style']): string {
  const counts = new Map<string, number>();
  for (const run of rows) counts.set(runStanding(run), (counts.get(runStanding(run)) ?? 0) + 1);
  const parts = [...counts].map(([standing, n]) => `${n} ${standing}`).join(', ');
  const line = `${rows.length} run(s): ${parts}`;
  return rows.every(endedWell) ? style.green(line) : style.red(line);
}
