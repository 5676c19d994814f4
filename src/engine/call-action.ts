import type { ActionDefinition } from '../core/catalog/action.js';
import type { Connector } from '../core/catalog/connector.js';
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
): Promise<RunFeedback> {
  const connector = connectors.get(action.connector);
  const handler = connector?.handlers[action.id];
  if (!handler) {
    return {
      kind,
      ok: false,
      failure: 'non-retryable',
      message: `the ${action.connector} connector is not available in this build (its actions are declared, not implemented)`,
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
    const outcome = await Promise.race([handler(params, { signal: controller.signal }), timedOut]);
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
      return { kind, ok: false, failure: thrown.kind, message: thrown.message };
    // A connector that throws something unclassified: not retried, since retrying blind is a guess.
    return { kind, ok: false, failure: 'non-retryable', message: coerceError(thrown).message };
  } finally {
    clearTimeout(timer);
  }
}
