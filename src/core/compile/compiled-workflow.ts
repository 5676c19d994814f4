import type { ActionDefinition } from '../catalog/action.js';
import type { CompiledExpression } from '../expr/compile-expression.js';
import type { CompiledParam } from '../expr/params.js';
import type { PathSegment } from '../loader/source-document.js';
import type { Workflow, WorkflowStep } from '../model/workflow.js';
import type { WorkflowMode } from '../types.js';

/** A read of live state with its expectation: corroborate entries and verify. */
export interface CompiledCheck {
  readonly path: readonly PathSegment[];
  readonly action: ActionDefinition;
  readonly params: CompiledParam;
  readonly expect: CompiledExpression;
  readonly timeoutMs: number;
}

export type CompiledRollback =
  | {
      readonly kind: 'catalog';
      /** The catalog inverse, when the action has one. */
      readonly action: ActionDefinition | undefined;
      /** The read taken before acting, whose result the inverse restores. */
      readonly snapshot?: ActionDefinition;
      readonly reasonNone?: string;
    }
  | { readonly kind: 'custom'; readonly action: ActionDefinition; readonly params: CompiledParam }
  | { readonly kind: 'none'; readonly reason: string | undefined };

export interface CompiledStep {
  readonly id: string;
  readonly index: number;
  readonly path: readonly PathSegment[];
  readonly definition: WorkflowStep;
  readonly action: ActionDefinition;
  readonly params: CompiledParam;
  readonly if: CompiledExpression | undefined;
  readonly timeoutMs: number;
  readonly retry:
    | {
        readonly attempts: number;
        readonly backoff: 'fixed' | 'exponential';
        readonly initialMs: number;
        readonly maxMs: number | undefined;
      }
    | undefined;
  readonly rollback: CompiledRollback;
}

export interface CompiledWindow {
  readonly max: number;
  readonly perMs: number;
}

/**
 * A workflow that loaded with no error: every expression parsed and type-checked, every
 * template compiled, every action resolved in the catalog, every duration in milliseconds.
 */
export interface CompiledWorkflow {
  readonly file: string;
  readonly workflow: Workflow;
  readonly name: string;
  readonly mode: WorkflowMode;
  readonly match: CompiledExpression | undefined;
  readonly dedupe: { readonly key: CompiledExpression; readonly windowMs: number } | undefined;
  readonly settleMs: number;
  readonly corroborate: readonly CompiledCheck[];
  readonly exemptions: readonly {
    readonly when: CompiledExpression;
    readonly reason: string;
    readonly owner: string;
    readonly untilMs: number;
  }[];
  readonly approval:
    | {
        readonly when: 'always' | 'never' | CompiledExpression;
        readonly approvers: readonly string[];
        readonly timeoutMs: number | undefined;
        readonly onTimeout: 'abort' | 'proceed';
      }
    | undefined;
  readonly limits: {
    readonly concurrency: number | undefined;
    readonly rate: CompiledWindow | undefined;
    readonly blastRadius: CompiledWindow | undefined;
    readonly onExceeded: 'pause' | 'skip';
  };
  readonly steps: readonly CompiledStep[];
  readonly verify: (CompiledCheck & { readonly afterMs: number }) | undefined;
  readonly onFailure: 'compensate' | 'halt';
  /** True when any step's action writes (write or destructive). */
  readonly writes: boolean;
}

/** Default step timeout (spec/workflow.md). */
export const defaultStepTimeoutMs = 30_000;
