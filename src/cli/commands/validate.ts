import { Option, type Command } from 'commander';
import { loadProject, isParseFailure } from '../../project/load-project.js';
import type { CommandContext, OutputFormat } from '../context.js';
import { outputFormats } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { diagnosticJson, formatResults } from '../print-diagnostics.js';

/** `rectify validate [paths...]`: load every file, report every problem, exit 0/1/2/3. */
export function registerValidate(program: Command, context: CommandContext): void {
  program
    .command('validate')
    .description(
      'Check workflows, workflow tests and configs: YAML, schema, CEL expressions, templates and actions.',
    )
    .argument('[paths...]', 'files or folders (searched for *.yaml / *.yml)', ['.'])
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('text'))
    .addHelpText(
      'after',
      '\nExit codes: 0 all valid, 1 invalid files, 2 usage error, 3 no input or a file that is not parseable YAML.',
    )
    .action(async (paths: string[], options: { format: OutputFormat }) => {
      const { io } = context;
      const project = await loadProject(paths, { catalog: context.catalog, cwd: io.cwd });
      const diagnostics = [...project.results.flatMap((r) => r.diagnostics), ...project.crossFile];
      const errors = diagnostics.filter((d) => d.severity === 'error');
      const noInput = project.results.length === 0 || project.unreadable.length > 0;
      const parseFailure = errors.some(isParseFailure);
      const code =
        noInput || parseFailure ? ExitCode.noInput : errors.length > 0 ? ExitCode.failed : ExitCode.ok;
      const invalidFiles = new Set(errors.map((d) => d.file));

      if (options.format === 'json') {
        io.out(
          JSON.stringify(
            {
              version: 1,
              valid: code === ExitCode.ok,
              files: project.results.map((r) => ({
                file: r.file,
                kind: r.document?.kind ?? null,
                valid: !invalidFiles.has(r.file),
                diagnostics: [...r.diagnostics, ...project.crossFile.filter((d) => d.file === r.file)].map(
                  diagnosticJson,
                ),
              })),
              unreadable: project.unreadable,
            },
            null,
            2,
          ),
        );
      } else {
        const style = io.style;
        for (const line of project.unreadable) io.err(`${style.red('error')} ${line}`);
        if (project.results.length === 0 && project.unreadable.length === 0) {
          io.err(`${style.red('error')} no .yaml or .yml files found in ${paths.join(', ')}`);
        }
        const printed = formatResults(project.results, project.crossFile, style);
        if (printed.length > 0) io.out(printed.join('\n\n'));
        for (const result of project.results) {
          if (!invalidFiles.has(result.file) && result.document) {
            const name = result.document.kind === 'Workflow' ? ` ${result.document.workflow.name}` : '';
            io.out(`${style.green('ok')}    ${result.file} ${style.dim(`(${result.document.kind}${name})`)}`);
          }
        }
        if (project.results.length === 0) {
          context.setExitCode(code);
          return;
        }
        const summary =
          errors.length === 0
            ? style.green(`${project.results.length} file(s) valid`)
            : style.red(
                `${invalidFiles.size} of ${project.results.length} file(s) invalid, ${errors.length} error(s)`,
              );
        io.out(summary);
      }
      context.setExitCode(code);
    });
}
