/** Exit codes shared by every command (spec/review.md, "Output and exit codes"). */
export const ExitCode = {
  ok: 0,
  /** Findings or invalid files. */
  failed: 1,
  /** The command line was wrong. */
  usage: 2,
  /** Nothing to read, or a file that is not parseable YAML. */
  noInput: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
