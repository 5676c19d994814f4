import type { ActionDefinition } from '../core/catalog/action.js';
import type { Connector, ResolvedCredential } from '../core/catalog/connector.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import { ActionFailure, coerceError } from '../core/errors.js';
import type { RunFeedback } from '../core/run/commands.js';

/**
 * Calls a connector's handler for an action, bounded by `timeoutMs`, and turns every way it can
 * end into feedback for the run: its output (checked against the catalog's output schema), a
 * classified failure, or `timeout` (abandoned: whether it took effect is unknown).
 */
export async function callAction(
  connectors: ReadonlyMap<string, Connector>,
  action: ActionDefinition,
  params: Record<string, unknown>,
  timeoutMs: number,
  kind: 'read-result' | 'act-result',
  guard: CallGuard = {},
): Promise<RunFeedback> {
  const { credential, breakers, now = Date.now } = guard;
  const refused = refusal(action, credential);
  if (refused) return { kind, ok: false, failure: 'non-retryable', message: refused };
  const circuitKey = credential?.name ?? action.connector;
  const open = breakers?.admit(circuitKey, now());
  // Retryable: the run backs off and tries again later instead of hammering a dependency that is down.
  if (open) return { kind, ok: false, failure: 'retryable', message: open };
  const feedback = await invoke(connectors, action, params, timeoutMs, kind, credential);
  if ('ok' in feedback && feedback.ok) breakers?.succeeded(circuitKey);
  else if ('ok' in feedback) breakers?.failed(circuitKey, feedback.failure, feedback.message, now());
  return feedback;
}

export interface CallGuard {
  /** The workflow's (or scan source's) credential: its scopes bound what may be called. */
  readonly credential?: ResolvedCredential | undefined;
  /** One circuit per credential (per connector when there is none). */
  readonly breakers?: CircuitBreakers | undefined;
  readonly now?: () => number;
}

/** Why the credential may not perform the action (least privilege, checked at every call). */
function refusal(action: ActionDefinition, credential: ResolvedCredential | undefined): string | undefined {
  if (!credential) return undefined;
  if (credential.connector === '')
    return `credential ${credential.name} is not available: it is not in the config, or its secret could not be resolved when the engine started`;
  if (credential.connector !== action.connector)
    return `credential ${credential.name} is for the ${credential.connector} connector, not ${action.connector}`;
  if (!credential.scopes.includes(action.scope))
    return `credential ${credential.name} lacks the scope ${action.scope}: add it to its scopes in the config if this workflow should perform ${action.id}`;
  return undefined;
}

async function invoke(
  connectors: ReadonlyMap<string, Connector>,
  action: ActionDefinition,
  params: Record<string, unknown>,
  timeoutMs: number,
  kind: 'read-result' | 'act-result',
  credential: ResolvedCredential | undefined,
): Promise<RunFeedback> {
  const connector = connectors.get(action.connector);
  const handler = connector?.handlers[action.id];
  if (!handler) {
    return {
      kind,
      ok: false,
      failure: 'non-retryable',
      message: `the ${action.connector} connector is not available to this engine (it was not given one)`,
    };
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    const outcome = await Promise.race([
      handler(params, { signal: controller.signal, ...(credential ? { credential } : {}) }),
      timedOut,
    ]);
    if (outcome === 'timeout')
      return { kind, ok: false, failure: 'timeout', message: `no answer within ${timeoutMs} ms` };
    const output = action.output.safeParse(outcome);
    if (!output.success) {
      return {
        kind,
        ok: false,
        failure: 'non-retryable',
        message: `${action.id} answered with an unexpected shape: ${output.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      };
    }
    return { kind, ok: true, output: output.data };
  } catch (thrown) {
    if (controller.signal.aborted)
      return { kind, ok: false, failure: 'timeout', message: `no answer within ${timeoutMs} ms` };
    if (thrown instanceof ActionFailure)
      return {
        kind,
        ok: false,
        failure: thrown.details.outcomeUnknown === true ? 'timeout' : thrown.kind,
        message: thrown.message,
      };
    // A connector that throws something unclassified: not retried, since retrying blind is a guess.
    return { kind, ok: false, failure: 'non-retryable', message: coerceError(thrown).message };
  } finally {
    clearTimeout(timer);
  }
}
