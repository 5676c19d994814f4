import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { styleFor } from '../../src/cli/style.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as `rectify <args>` in `cwd`, and captures what it prints. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const env = options.env ?? { NO_COLOR: '1' };
  const io: CliIo = {
    out: (text) => (stdout += text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => (stderr += text.endsWith('\n') ? text : `${text}\n`),
    style: styleFor({ isTTY: false }, env),
    errStyle: styleFor({ isTTY: false }, env),
    cwd: options.cwd ?? process.cwd(),
    env,
    now: () => new Date('2026-11-27T12:00:00Z'),
  };
  const code = await main(['node', 'rectify', ...args], io);
  return { code, stdout, stderr };
}
