import { type Command } from 'commander';
import { describeWorkflow } from '../../core/describe/describe-workflow.js';
import { isParseFailure, loadProject } from '../../project/load-project.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { formatResults } from '../print-diagnostics.js';

/** `rectify plan [paths...]`: validate, then say in plain words what each workflow would do. */
export function registerPlan(program: Command, context: CommandContext): void {
  program
    .command('plan')
    .description('Validate workflows and describe what each would do, step by step, without doing it.')
    .argument('[paths...]', 'files or folders', ['.'])
    .action(async (paths: string[]) => {
      const { io } = context;
      const project = await loadProject(paths, { catalog: context.catalog, cwd: io.cwd });
      const errors = [...project.results.flatMap((r) => r.diagnostics), ...project.crossFile].filter(
        (d) => d.severity === 'error',
      );
      for (const line of project.unreadable) io.err(`${io.style.red('error')} ${line}`);
      if (errors.length > 0) io.out(formatResults(project.results, project.crossFile, io.style).join('\n\n'));
      for (const workflow of project.workflows) {
        io.out('');
        const [title, ...rest] = describeWorkflow(workflow);
        io.out(io.style.bold(title ?? workflow.name));
        for (const line of rest) io.out(line);
      }
      io.out('');
      io.out(
        `${project.workflows.length} workflow(s), ${project.tests.length} test file(s), ${project.configs.length} config(s)${errors.length > 0 ? io.style.red(`, ${errors.length} error(s)`) : ''}`,
      );
      if (project.workflows.some((w) => w.steps.some((s) => s.action.simulated))) {
        io.out(
          io.style.dim(
            'Actions marked [SIMULATED] act on the in-memory sandbox connector, never on a real system.',
          ),
        );
      }
      const noInput =
        project.results.length === 0 || project.unreadable.length > 0 || errors.some(isParseFailure);
      context.setExitCode(noInput ? ExitCode.noInput : errors.length > 0 ? ExitCode.failed : ExitCode.ok);
    });
}
