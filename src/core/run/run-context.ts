import type { CompiledExpression } from '../expr/compile-expression.js';
import { resolveParams, type CompiledParam } from '../expr/params.js';
import { toCel } from '../expr/values.js';
import type { RectifyEvent } from '../model/event.js';
import type { WorkflowMode } from '../types.js';
import type { RunState } from './run-state.js';

/** What a run's expressions read, besides its state: the event, the run's identity, and now. */
export interface RunContext {
  readonly event: RectifyEvent;
  readonly run: {
    readonly id: string;
    readonly workflow: string;
    readonly version: string;
    readonly mode: WorkflowMode;
  };
  /** ms since the epoch; core has no clock. */
  readonly now: number;
  /** When the run was created (settle counts from here). */
  readonly createdAt: number;
  /** The global kill switch: no write action may start while it is on. */
  readonly killSwitch: boolean;
}

export type Evaluated = { ok: true; value: unknown } | { ok: false; error: string };

/** The CEL variables of a run at this point: event, run, now, steps (outputs so far), and extras. */
export function celVariables(
  context: RunContext,
  state: RunState,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const steps: Record<string, unknown> = {};
  for (const [id, record] of Object.entries(state.steps))
    steps[id] = { status: record.status, output: toCel(record.output ?? {}) };
  return { event: toCel(context.event), run: context.run, now: new Date(context.now), steps, ...extra };
}

/** Evaluates an expression; a runtime error (a missing field) is a value, never a throw. */
export function evaluate(expression: CompiledExpression, variables: Record<string, unknown>): Evaluated {
  try {
    return { ok: true, value: expression.evaluate(variables) };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error),
    };
  }
}

/** A condition holds only when it evaluates to `true`; an error or a non-boolean does not hold. */
export function holds(
  expression: CompiledExpression,
  variables: Record<string, unknown>,
): { holds: boolean; error?: string } {
  const result = evaluate(expression, variables);
  if (!result.ok) return { holds: false, error: result.error };
  if (typeof result.value !== 'boolean')
    return {
      holds: false,
      error: `\`${expression.source}\` gave ${JSON.stringify(result.value)}, not a boolean`,
    };
  return { holds: result.value };
}

export function resolve(params: CompiledParam, variables: Record<string, unknown>): Evaluated {
  try {
    return { ok: true, value: resolveParams(params, variables) };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error),
    };
  }
}
