import { formatDuration } from '../../../core/duration.js';
import type { Rule } from '../../rule.js';

/** More attempts than this is a retry storm, not resilience (spec/review.md). */
const maxAttempts = 10;

/**
 * `resilience/unbounded-retry`: a step retries more than ten times, or backs off exponentially
 * with no `max` cap on the wait. Exponential backoff without `max` is reported only when there
 * are at least two waits (attempts >= 3): with two attempts the one wait is `initial`, and
 * nothing grows.
 */
export const unboundedRetry: Rule = {
  meta: {
    id: 'resilience/unbounded-retry',
    title: 'Retry without bounds',
    // Medium: a retry storm hurts availability (the failing dependency, the run's concurrency
    // slot, a late action on stale data) rather than opening a hole. High confidence: the
    // numbers are written in the file.
    severity: 'medium',
    confidence: 'high',
    description:
      'A step that retries many times, or whose exponential backoff has no cap, keeps hammering a dependency that is down and stretches the run for minutes or hours: it holds its concurrency slot, and when it finally succeeds it acts on a state read long before. Keep `attempts` at 10 or fewer and cap the wait between attempts with `max` (`exponential` is the default backoff). With two attempts there is one wait, `initial`, so a missing `max` is reported from three attempts on.',
    remediation: {
      summary: 'Keep `retry.attempts` at 10 or fewer and give exponential backoff a `max`.',
      before: 'retry: { attempts: 20, backoff: exponential, initial: 1s }',
      after: 'retry: { attempts: 3, backoff: exponential, initial: 1s, max: 10s }',
    },
    references: ['spec/review.md', 'docs/workflows.md#retry'],
    messages: {
      tooManyAttempts:
        'step `{{step}}` tries `{{action}}` up to {{attempts}} times; keep it at {{limit}} or fewer',
      noMax:
        'step `{{step}}` retries `{{action}}` {{retries}} times with exponential backoff from {{initial}} and no `max`: the wait keeps growing',
    },
  },
  checkWorkflow(context) {
    for (const step of context.workflow.steps) {
      const retry = step.retry;
      if (!retry) continue;
      if (retry.attempts > maxAttempts) {
        context.report({
          messageId: 'tooManyAttempts',
          data: { step: step.id, action: step.action.id, attempts: retry.attempts, limit: maxAttempts },
          path: [...step.path, 'retry', 'attempts'],
        });
      }
      if (retry.backoff === 'exponential' && retry.maxMs === undefined && retry.attempts >= 3) {
        context.report({
          messageId: 'noMax',
          data: {
            step: step.id,
            action: step.action.id,
            retries: retry.attempts - 1,
            initial: formatDuration(retry.initialMs),
          },
          // The retry block, not `backoff`: exponential is the default and may not be written.
          path: [...step.path, 'retry'],
          target: 'key',
        });
      }
    }
  },
};
