import { styleFor, type Style } from './style.js';

/** Where a command writes: injectable so tests run commands in-process and read what they print. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly style: Style;
  readonly errStyle: Style;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Wall-clock time; commands read the clock here, never in core. */
  readonly now: () => Date;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    style: styleFor(process.stdout),
    errStyle: styleFor(process.stderr),
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
  };
}
