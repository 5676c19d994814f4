import { z } from 'zod';
import { isWriteEffect } from '../../core/catalog/action.js';
import { ActionFailure, FailureKind } from '../../core/errors.js';
import type { ActionEffect } from '../../core/types.js';
import { sandboxActions } from './catalog.js';

/**
 * Fault injection for the SIMULATED `sandbox` connector: a plan, as plain JSON-describable data,
 * of how the simulated systems misbehave (down, slow, expired credentials, failures after some
 * calls, on some resources, or flaky), so that tests and drills exercise the real engine code
 * under negative scenarios. Nothing here touches a real system.
 *
 * Each fault has a scope: `actions` (sandbox action ids; absent: every action) and `effect`
 * (`read` or `write`, where `write` includes destructive actions; absent: both). A call matches
 * a fault when it is in the fault's scope.
 */

/** Which calls a fault applies to. Empty (`{}`): every call. */
export interface SandboxFaultScope {
  /** Only calls of these sandbox action ids; absent: every sandbox action. */
  readonly actions?: readonly string[];
  /** Only reads, or only writes (`write` includes destructive actions); absent: both. */
  readonly effect?: 'read' | 'write';
}

export interface SandboxSlowFault extends SandboxFaultScope {
  /** How long each matching call takes before it answers, in milliseconds. */
  readonly delayMs: number;
  /**
   * False (default): the delay comes before the request reaches the system; a call aborted
   * during it changes nothing. True: the system acts at once and the answer is what is slow; a
   * call aborted during the delay has taken effect, but its answer is lost (the engine must
   * treat the outcome as unknown).
   */
  readonly applyBeforeAbort?: boolean;
}

export interface SandboxFailAfterFault extends SandboxFaultScope {
  /** How many matching calls succeed before every further matching call fails. */
  readonly calls: number;
  /** Default `retryable`. */
  readonly kind?: FailureKind;
}

export interface SandboxFailOnResourceFault extends SandboxFaultScope {
  /** The resource value (or values) whose calls fail, e.g. a bucket name. */
  readonly value: string | readonly string[];
  /**
   * Only compare this resource parameter (e.g. `bucket`, `role`); absent: any parameter in the
   * action's catalog `resource` list. Actions without resource parameters never match.
   */
  readonly param?: string;
  /** Default `non-retryable`. */
  readonly kind?: FailureKind;
}

export interface SandboxFlakyFault extends SandboxFaultScope {
  /** How many matching calls fail (from when the plan is set) before calls succeed again. */
  readonly failures: number;
  /** Default `retryable`. */
  readonly kind?: FailureKind;
}

/** A fault plan: each fault at most once; an empty object means no faults. */
export interface SandboxFaults {
  /** Every matching call fails, retryable: "[SIMULATED] sandbox is down: connection refused". */
  readonly down?: SandboxFaultScope;
  /** Every matching call takes `delayMs` to answer; honours the call's AbortSignal. */
  readonly slow?: SandboxSlowFault;
  /** Every matching call fails with kind `credentials`: "[SIMULATED] 401 Unauthorized: credentials expired". */
  readonly expiredCredentials?: SandboxFaultScope;
  /** The first `calls` matching calls succeed; the rest fail. */
  readonly failAfter?: SandboxFailAfterFault;
  /** Matching calls on the given resource value fail. */
  readonly failOnResource?: SandboxFailOnResourceFault;
  /** The next `failures` matching calls fail, then calls succeed (for retry tests). */
  readonly flaky?: SandboxFlakyFault;
}

export const sandboxDownMessage = '[SIMULATED] sandbox is down: connection refused';
export const sandboxExpiredCredentialsMessage = '[SIMULATED] 401 Unauthorized: credentials expired';

const sandboxActionIds = new Set(sandboxActions.map((a) => a.id));
const sandboxResourceParams = new Set(sandboxActions.flatMap((a) => a.resource));

const failureKind = z.enum([FailureKind.retryable, FailureKind.nonRetryable, FailureKind.credentials]);
const count = z.number().int().min(0).max(1_000_000);
const scopeShape = {
  actions: z
    .array(
      z.string().refine((id) => sandboxActionIds.has(id), {
        error: (issue) =>
          `unknown sandbox action ${JSON.stringify(issue.input)}; expected one of ${[...sandboxActionIds].join(', ')}`,
      }),
    )
    .min(1, 'list at least one action id, or omit `actions` for every action')
    .optional(),
  effect: z.enum(['read', 'write']).optional(),
};

/** Validates a fault plan (from JSON: an environment variable, a drill). Unknown keys are errors. */
export const sandboxFaultsSchema: z.ZodType<SandboxFaults> = z.strictObject({
  down: z.strictObject(scopeShape).optional(),
  slow: z
    .strictObject({
      ...scopeShape,
      delayMs: z.number().int().min(0).max(3_600_000),
      applyBeforeAbort: z.boolean().optional(),
    })
    .optional(),
  expiredCredentials: z.strictObject(scopeShape).optional(),
  failAfter: z.strictObject({ ...scopeShape, calls: count, kind: failureKind.optional() }).optional(),
  failOnResource: z
    .strictObject({
      ...scopeShape,
      value: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      param: z
        .string()
        .refine((p) => sandboxResourceParams.has(p), {
          error: (issue) =>
            `${JSON.stringify(issue.input)} is not a resource parameter of any sandbox action; expected one of ${[...sandboxResourceParams].join(', ')}`,
        })
        .optional(),
      kind: failureKind.optional(),
    })
    .optional(),
  flaky: z.strictObject({ ...scopeShape, failures: count, kind: failureKind.optional() }).optional(),
});

/** Thrown when a fault plan does not validate; `problems` lists each as `path: message`. */
export class SandboxFaultsError extends Error {
  override readonly name = 'SandboxFaultsError';
  constructor(readonly problems: readonly string[]) {
    super(`[SIMULATED] invalid sandbox faults: ${problems.join('; ')}`);
  }
}

/** Validates a fault plan given as data; throws `SandboxFaultsError` when it is not one. */
export function validateSandboxFaults(value: unknown): SandboxFaults {
  const result = sandboxFaultsSchema.safeParse(value);
  if (result.success) return result.data;
  throw new SandboxFaultsError(
    result.error.issues.map(
      (issue) => `${issue.path.length ? issue.path.join('.') : '(plan)'}: ${issue.message}`,
    ),
  );
}

/** Parses a fault plan from JSON text (e.g. an environment variable); throws `SandboxFaultsError`. */
export function parseSandboxFaults(json: string): SandboxFaults {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new SandboxFaultsError([
      `(plan): not JSON: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  return validateSandboxFaults(value);
}

/**
 * The error a sandbox call rejects with when its AbortSignal is aborted: named `AbortError`, like
 * the one `fetch` and Node APIs throw, and deliberately not an `ActionFailure`: whether a write
 * took effect is unknown to the caller. `cause` is the signal's reason.
 */
export class SandboxAbortError extends Error {
  override readonly name = 'AbortError';
}

/** One call, as the fault plan sees it. */
export interface SandboxCall {
  readonly action: string;
  readonly effect: ActionEffect;
  /** The catalog `resource` parameters of the action. */
  readonly resource: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
}

type CountedFault = 'failAfter' | 'flaky';

/**
 * The fault plan of one sandbox connector, changeable while it runs. `set` replaces the plan and
 * restarts the counts of `failAfter` and `flaky`; `clear` removes every fault.
 */
export class SandboxFaultPlan {
  #faults: SandboxFaults = {};
  /** Matching calls that reached the system since the plan was set, per counted fault. */
  #seen = new Map<CountedFault, number>();

  constructor(faults: SandboxFaults = {}) {
    this.set(faults);
  }

  /** The plan in force. */
  get current(): SandboxFaults {
    return this.#faults;
  }

  /** Replaces the plan (validated: throws `SandboxFaultsError`) and restarts the counts. */
  set(faults: SandboxFaults): void {
    this.#faults = validateSandboxFaults(faults);
    this.#seen.clear();
  }

  /** No faults any more. */
  clear(): void {
    this.set({});
  }

  /**
   * Performs one call under the plan: `perform` is the simulated system acting (it may throw an
   * `ActionFailure` of its own). Rejects with `SandboxAbortError` when `signal` is aborted before
   * the answer.
   */
  async perform(call: SandboxCall, signal: AbortSignal, perform: () => unknown): Promise<unknown> {
    if (signal.aborted) throw aborted(call, signal, 'before it was sent; nothing was done');
    const slow = this.#faults.slow && matches(this.#faults.slow, call) ? this.#faults.slow : undefined;
    const act = (): unknown => {
      const failure = this.#failureFor(call);
      if (failure) throw failure;
      return perform();
    };
    if (!slow) return act();
    if (!slow.applyBeforeAbort) {
      await delay(slow.delayMs, signal, () =>
        aborted(call, signal, 'while it was on its way; nothing was done'),
      );
      return act();
    }
    // The system acts at once; what is slow is the answer, and an abort loses it.
    let answer: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      answer = { ok: true, value: act() };
    } catch (error) {
      answer = { ok: false, error };
    }
    await delay(slow.delayMs, signal, () =>
      aborted(call, signal, 'while its answer was on its way; the answer was lost'),
    );
    if (!answer.ok) throw answer.error;
    return answer.value;
  }

  #count(fault: CountedFault): number {
    const seen = (this.#seen.get(fault) ?? 0) + 1;
    this.#seen.set(fault, seen);
    return seen;
  }

  /** The failure the plan makes this call fail with, if any. Advances the counted faults it matches. */
  #failureFor(call: SandboxCall): ActionFailure | undefined {
    const { down, expiredCredentials, failOnResource, flaky, failAfter } = this.#faults;
    const flakySeen = flaky && matches(flaky, call) ? this.#count('flaky') : undefined;
    const afterSeen = failAfter && matches(failAfter, call) ? this.#count('failAfter') : undefined;

    if (down && matches(down, call)) return new ActionFailure(sandboxDownMessage, FailureKind.retryable);
    if (expiredCredentials && matches(expiredCredentials, call))
      return new ActionFailure(sandboxExpiredCredentialsMessage, FailureKind.credentials);
    if (failOnResource && matches(failOnResource, call)) {
      const hit = resourceHit(failOnResource, call);
      if (hit)
        return new ActionFailure(
          `[SIMULATED] ${call.action} failed on ${hit.param} ${JSON.stringify(hit.value)} (injected failOnResource)`,
          failOnResource.kind ?? FailureKind.nonRetryable,
        );
    }
    if (flaky && flakySeen !== undefined && flakySeen <= flaky.failures)
      return new ActionFailure(
        `[SIMULATED] ${call.action} failed transiently (injected flaky: failure ${flakySeen} of ${flaky.failures})`,
        flaky.kind ?? FailureKind.retryable,
      );
    if (failAfter && afterSeen !== undefined && afterSeen > failAfter.calls)
      return new ActionFailure(
        `[SIMULATED] ${call.action} failed (injected failAfter: call ${afterSeen}, after ${failAfter.calls} that succeeded)`,
        failAfter.kind ?? FailureKind.retryable,
      );
    return undefined;
  }
}

function matches(scope: SandboxFaultScope, call: SandboxCall): boolean {
  if (scope.actions && !scope.actions.includes(call.action)) return false;
  if (scope.effect === 'read' && call.effect !== 'read') return false;
  if (scope.effect === 'write' && !isWriteEffect(call.effect)) return false;
  return true;
}

function resourceHit(
  fault: SandboxFailOnResourceFault,
  call: SandboxCall,
): { param: string; value: string } | undefined {
  const values: readonly string[] = typeof fault.value === 'string' ? [fault.value] : fault.value;
  for (const param of call.resource) {
    if (fault.param !== undefined && param !== fault.param) continue;
    const given = call.params[param];
    if (given === undefined) continue;
    const value = typeof given === 'string' ? given : JSON.stringify(given);
    if (values.includes(value)) return { param, value };
  }
  return undefined;
}

function aborted(call: SandboxCall, signal: AbortSignal, when: string): SandboxAbortError {
  return new SandboxAbortError(`[SIMULATED] ${call.action} was aborted ${when}`, { cause: signal.reason });
}

/** Waits `ms`, or rejects with `onAbort()` as soon as `signal` is aborted. */
function delay(ms: number, signal: AbortSignal, onAbort: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(onAbort());
      return;
    }
    const abort = () => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });
}
