import type { RunOutcome } from '../types.js';

/**
 * The durable state of one run: everything needed to continue it after a crash, on this node or
 * another. It is plain JSON (the store keeps it as such) and changes only through `advanceRun`.
 */
export const RunPhase = {
  start: 'start',
  settle: 'settle',
  corroborate: 'corroborate',
  approval: 'approval',
  steps: 'steps',
  verify: 'verify',
  compensate: 'compensate',
  done: 'done',
} as const;
export type RunPhase = (typeof RunPhase)[keyof typeof RunPhase];

export interface StepRecord {
  readonly status: 'pending' | 'skipped' | 'done' | 'planned' | 'failed' | 'compensated' | 'not-undone';
  /** Attempts made (1-based count). */
  readonly attempts: number;
  /** The resolved parameters the action was (or would be) called with. */
  readonly params?: unknown;
  readonly output?: unknown;
  /** What the snapshot read returned before acting, for the inverse. */
  readonly snapshot?: unknown;
  readonly error?: string;
}

export interface RunState {
  readonly phase: RunPhase;
  /** Position in the phase: check index, step index, or index into `done` while compensating. */
  readonly index: number;
  /** Attempt of the current step (1-based). */
  readonly attempt: number;
  readonly steps: Readonly<Record<string, StepRecord>>;
  /** Step ids performed, in order: what compensation undoes, in reverse. */
  readonly done: readonly string[];
  /** When a sleeping run is due (settle, retry backoff, verify delay), ms since the epoch. */
  readonly wakeAt?: number;
  readonly approval?: {
    readonly deadline?: number;
    readonly decision?: 'approve' | 'reject' | 'timeout';
    readonly by?: string;
  };
  /** Why the run is failing, once a step failed: drives compensation and the final reason. */
  readonly failure?: { readonly stepId?: string; readonly message: string; readonly unverified?: boolean };
  readonly outcome?: RunOutcome;
  readonly reason?: string;
  /** The subject that started the run by hand; they may not approve it (separation of duties). */
  readonly startedBy?: string;
  /** Set when a person asked to undo the finished run: compensation then ends `rolled-back`. */
  readonly rollback?: { readonly by: string };
}

export function initialRunState(): RunState {
  return { phase: 'start', index: 0, attempt: 1, steps: {}, done: [] };
}
