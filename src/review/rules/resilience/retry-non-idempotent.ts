import type { Rule } from '../../rule.js';

/**
 * `resilience/retry-non-idempotent`: a step retries (attempts > 1) an action the catalog marks
 * not idempotent, so one run may perform it twice. Reads the catalog's `idempotent`, never names.
 */
export const retryNonIdempotent: Rule = {
  meta: {
    id: 'resilience/retry-non-idempotent',
    title: 'Retry of an action that is not idempotent',
    // High: a repeated call may double an effect Rectify cannot see or undo (a second request
    // to an external API, a second new password). Medium confidence: only retryable errors
    // retry, and some of those (a refused connection) mean the first call never arrived.
    severity: 'high',
    confidence: 'medium',
    description:
      'Retrying is safe only when performing an action twice has the same effect as once. A timeout or a dropped connection does not say whether the call took effect, so retrying a non-idempotent action (an HTTP request, a password rotation) may perform it twice: two tickets, two charges, a password nobody received. Without a retry the engine stops and the run ends `needs_attention` for a person to decide.',
    remediation: {
      summary:
        'Remove the `retry` (or set `attempts: 1`) on steps whose action is not idempotent; a person decides when the outcome is unknown.',
      before:
        'steps:\n  - id: rotate\n    action: sandbox.user.rotate-password\n    with: { system: redis-main, user: app }\n    retry: { attempts: 3, backoff: exponential, initial: 1s, max: 5s }',
      after:
        'steps:\n  - id: rotate\n    action: sandbox.user.rotate-password\n    with: { system: redis-main, user: app }',
    },
    references: ['spec/review.md', 'docs/actions.md#idempotency', 'docs/workflows.md#retry'],
    messages: {
      retried:
        'step `{{step}}` retries `{{action}}` (up to {{attempts}} attempts), which the catalog marks not idempotent: a retry may perform it twice',
    },
  },
  checkWorkflow(context) {
    for (const step of context.workflow.steps) {
      if (step.action.idempotent || !step.retry || step.retry.attempts <= 1) continue;
      context.report({
        messageId: 'retried',
        data: { step: step.id, action: step.action.id, attempts: step.retry.attempts },
        path: [...step.path, 'retry', 'attempts'],
      });
    }
  },
};
