/** The variables an expression may read, by where it appears in a workflow (spec/workflow.md). */
export const ExpressionVariable = {
  event: 'event',
  result: 'result',
  steps: 'steps',
  run: 'run',
  now: 'now',
  /** Only in catalog inverse templates: the parameters of the action being undone. */
  params: 'params',
  /** Only in catalog inverse templates: what the snapshot read returned before acting. */
  snapshot: 'snapshot',
} as const;
export type ExpressionVariable = (typeof ExpressionVariable)[keyof typeof ExpressionVariable];

/** The variables of each place an expression can stand. */
export const scopeVariables = {
  match: ['event', 'now'],
  dedupeKey: ['event'],
  exempt: ['event', 'now'],
  approval: ['event', 'run', 'now'],
  checkParams: ['event', 'run', 'now'],
  checkExpect: ['event', 'result', 'run', 'now'],
  stepIf: ['event', 'steps', 'run', 'now'],
  stepParams: ['event', 'steps', 'run', 'now'],
  verifyParams: ['event', 'steps', 'run', 'now'],
  verifyExpect: ['event', 'result', 'steps', 'run', 'now'],
  inverse: ['params', 'snapshot', 'event', 'run', 'now'],
} as const satisfies Record<string, readonly ExpressionVariable[]>;
export type ExpressionScope = keyof typeof scopeVariables;
