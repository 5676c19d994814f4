import type { ActionDefinition } from '../catalog/action.js';
import type { FailureKind } from '../errors.js';
import type { RunOutcome } from '../types.js';

/** What a run asks the engine to do next: the only I/O a run ever performs. */
export type RunCommand =
  | { readonly kind: 'sleep'; readonly until: number; readonly reason: 'settle' | 'retry' | 'verify-delay' }
  | {
      readonly kind: 'read';
      readonly purpose: 'corroborate' | 'verify' | 'snapshot';
      readonly action: ActionDefinition;
      readonly params: Record<string, unknown>;
      /** The step a snapshot is for. */
      readonly stepId?: string;
      /** The check's `timeout` (a snapshot: its step's); the read fails after it. */
      readonly timeoutMs: number;
    }
  | {
      readonly kind: 'act';
      readonly purpose: 'step' | 'compensate';
      readonly stepId: string;
      readonly action: ActionDefinition;
      readonly params: Record<string, unknown>;
      readonly attempt: number;
      /** Same for every attempt of one step of one run: lets a connector or target deduplicate. */
      readonly idempotencyKey: string;
      readonly timeoutMs: number;
    }
  | {
      readonly kind: 'await-approval';
      readonly deadline: number | undefined;
      readonly preview: readonly PlannedAction[];
    }
  | { readonly kind: 'finish'; readonly outcome: RunOutcome; readonly reason: string };

/** A concrete action with resolved parameters: what an approver sees, and what dry-run records. */
export interface PlannedAction {
  readonly stepId: string;
  readonly action: string;
  readonly effect: string;
  readonly params: unknown;
}

/** What happened when the engine carried out a command. */
export type RunFeedback =
  | { readonly kind: 'woke' }
  | { readonly kind: 'read-result'; readonly ok: true; readonly output: unknown }
  | { readonly kind: 'act-result'; readonly ok: true; readonly output: unknown }
  | {
      readonly kind: 'read-result' | 'act-result';
      readonly ok: false;
      /** `timeout`: abandoned after the step's timeout; whether it took effect is unknown. */
      readonly failure: FailureKind | 'timeout';
      readonly message: string;
    }
  | { readonly kind: 'approval'; readonly decision: 'approve' | 'reject' | 'timeout'; readonly by?: string }
  /** The process died between recording an action's intent and its result. */
  | { readonly kind: 'interrupted' }
  /** A person cancelled the run: no further action; done steps are undone when `onFailure: compensate`. */
  | { readonly kind: 'cancel'; readonly by: string }
  /** A person asked to undo a finished run's done steps, from their snapshots. */
  | { readonly kind: 'rollback'; readonly by: string };
