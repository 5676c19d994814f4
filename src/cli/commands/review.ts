import { writeFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { severities, type Severity } from '../../core/types.js';
import { baselineOf, parseBaseline, type Baseline } from '../../review/baseline.js';
import { confidences } from '../../review/finding.js';
import { formatGithub } from '../../review/formats/github.js';
import { formatJson } from '../../review/formats/json.js';
import { formatJunit } from '../../review/formats/junit.js';
import { formatSarif } from '../../review/formats/sarif.js';
import { formatText } from '../../review/formats/text.js';
import type { ReviewReport } from '../../review/formats/review-report.js';
import { isBlocking } from '../../review/gate.js';
import { allRules } from '../../review/registry.js';
import { reviewProject } from '../../review/review-project.js';
import type { Confidence } from '../../review/rule.js';
import { isParseFailure, loadProject } from '../../project/load-project.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { plainStyle } from '../style.js';
import { packageVersion } from '../version.js';

export const reviewFormats = ['text', 'json', 'sarif', 'junit', 'github'] as const;
type ReviewFormat = (typeof reviewFormats)[number];

interface ReviewOptions {
  format: ReviewFormat;
  output: string[];
  failOn: Severity;
  minConfidence: Confidence;
  ignores: boolean;
  baseline?: string;
  writeBaseline?: string;
  today?: string;
}

/** `rectify review [paths...]`: the security review of workflows, their tests and the config. */
export function registerReview(program: Command, context: CommandContext): void {
  program
    .command('review')
    .description(
      'Review workflows, their tests and the config for safety: triggers, access, observability, resilience, change control, injection and secrets.',
    )
    .argument('[paths...]', 'files or folders (searched for *.yaml / *.yml); include rectify.yaml', ['.'])
    .addOption(
      new Option('--format <format>', 'output format on stdout').choices(reviewFormats).default('text'),
    )
    .option(
      '--output <format=file>',
      'also write a format to a file (repeatable), e.g. --output sarif=review.sarif',
      collect,
      [],
    )
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that blocks').choices(severities).default('high'),
    )
    .addOption(
      new Option('--min-confidence <level>', 'lowest confidence that blocks')
        .choices(confidences)
        .default('medium'),
    )
    .option('--no-ignores', 'ignore inline `# rectify: ignore[...]` suppressions')
    .option('--baseline <file>', 'accept the findings recorded in this baseline; only new ones block')
    .option('--write-baseline <file>', 'record the current findings as accepted, and exit 0')
    .option('--today <date>', 'review as of this date (YYYY-MM-DD), for reproducible runs')
    .addHelpText(
      'after',
      '\nExit codes: 0 no blocking finding, 1 blocking findings (or invalid files), 2 usage error, 3 no input or a file that is not parseable YAML.\nRules: docs/rules/README.md. Suppressions and baselines: docs/review.md.',
    )
    .action(async (paths: string[], options: ReviewOptions) => {
      context.setExitCode(await runReview(paths, options, context));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runReview(paths: string[], options: ReviewOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const usage = (message: string): number => {
    io.err(`error: ${message}\n(run with --help for usage)`);
    return ExitCode.usage;
  };
  const outputs: { format: ReviewFormat; file: string }[] = [];
  for (const spec of options.output) {
    const [format, ...rest] = spec.split('=');
    const file = rest.join('=');
    if (!reviewFormats.includes(format as ReviewFormat) || file === '')
      return usage(
        `--output takes FORMAT=FILE with FORMAT one of ${reviewFormats.join(', ')}; got "${spec}"`,
      );
    outputs.push({ format: format as ReviewFormat, file });
  }
  const today = options.today ?? io.now().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today))
    return usage(`--today takes a date written YYYY-MM-DD; got "${today}"`);

  let baseline: Baseline | undefined;
  if (options.baseline) {
    try {
      baseline = parseBaseline(await readFile(resolve(io.cwd, options.baseline), 'utf8'));
    } catch (error) {
      const reason =
        (error as { code?: string }).code === 'ENOENT'
          ? 'does not exist'
          : error instanceof Error
            ? error.message
            : String(error);
      return usage(`baseline ${options.baseline} ${reason}`);
    }
  }

  const project = await loadProject(paths, { catalog: context.catalog, cwd: io.cwd });
  for (const line of project.unreadable) io.err(`${io.style.red('error')} ${line}`);
  if (project.results.length === 0) {
    if (project.unreadable.length === 0)
      io.err(`${io.style.red('error')} no .yaml or .yml files found in ${paths.join(', ')}`);
    return ExitCode.noInput;
  }
  const sources = new Map(project.results.map((r) => [r.file, r.source]));
  const loadDiagnostics = [...project.results.flatMap((r) => r.diagnostics), ...project.crossFile].filter(
    (d) => d.severity === 'error',
  );
  const review = reviewProject(
    {
      sources,
      workflows: project.workflows,
      tests: project.tests.map((t) => t.test),
      configs: project.configs,
      diagnostics: loadDiagnostics,
    },
    { catalog: context.catalog, today, noIgnores: !options.ignores, ...(baseline ? { baseline } : {}) },
  );
  const findings = review.findings;
  const gate = { failOn: options.failOn, minConfidence: options.minConfidence };
  const report: ReviewReport = {
    tool: { name: 'Rectify', version: packageVersion() },
    findings,
    rules: allRules,
    gate,
    notRun: review.notRun,
    clearedFlows: review.clearedFlows,
    sources,
    files: project.results.map((r) => r.file),
  };

  if (options.writeBaseline) {
    await writeFile(
      resolve(io.cwd, options.writeBaseline),
      `${JSON.stringify(baselineOf(review.findings), null, 2)}\n`,
    );
    io.out(
      `wrote ${options.writeBaseline}: ${baselineOf(review.findings).findings.length} accepted finding(s)`,
    );
  }
  io.out(render(options.format, report, context));
  for (const output of outputs) {
    await writeFile(
      resolve(io.cwd, output.file),
      `${render(output.format, report, { ...context, io: { ...io, style: plainStyle } })}\n`,
    );
  }

  if (project.unreadable.length > 0 || loadDiagnostics.some(isParseFailure)) return ExitCode.noInput;
  if (options.writeBaseline) return loadDiagnostics.length > 0 ? ExitCode.failed : ExitCode.ok;
  // A file that does not load was not reviewed: never a pass, whatever the gate.
  if (loadDiagnostics.length > 0) return ExitCode.failed;
  return findings.some((f) => isBlocking(f, gate)) ? ExitCode.failed : ExitCode.ok;
}

function render(format: ReviewFormat, report: ReviewReport, context: CommandContext): string {
  switch (format) {
    case 'text':
      return formatText(report, context.io.style);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'junit':
      return formatJunit(report);
    case 'github':
      return formatGithub(report);
  }
}
