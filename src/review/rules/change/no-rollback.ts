import type { Rule } from '../../rule.js';

/**
 * `change/no-rollback`: a write step that cannot be undone and says nothing about it: its action
 * has no catalog inverse and the step no `rollback`, or it says `rollback: none` with no reason.
 * `rollback: { none: true, reason }` is an owned decision and accepted. Read steps need none.
 */
export const noRollback: Rule = {
  meta: {
    id: 'change/no-rollback',
    title: 'Write step that cannot be undone, without a stated reason',
    // Medium: writing the reason does not make the step reversible; what the finding buys is an
    // author who knows that compensation will leave this step done, and says why that is right.
    // High confidence: the catalog and the file say it outright.
    severity: 'medium',
    confidence: 'high',
    description:
      "When a later step or the verification fails, `onFailure: compensate` undoes the done steps in reverse order, each with its action's catalog inverse or the step's `rollback`. A step whose action has no inverse (the catalog says why: a terminated session, a rotated password) and no `rollback` stays done, and nobody decided that it should. Give it a `rollback` action, or write `rollback: { none: true, reason: ... }` so the decision is on record; a bare `rollback: none` records no reason.",
    remediation: {
      summary:
        'Give the step a `rollback: { action, with }`, or `rollback: { none: true, reason: "..." }` when it must stay done.',
      before:
        'steps:\n  - id: rotate\n    action: sandbox.user.rotate-password\n    with: { system: redis-main, user: app }\n    rollback: none',
      after:
        'steps:\n  - id: rotate\n    action: sandbox.user.rotate-password\n    with: { system: redis-main, user: app }\n    rollback:\n      none: true\n      reason: the leaked password must not come back; the app reads the new one from the vault',
    },
    references: ['spec/review.md', 'docs/workflows.md#rollback', 'docs/actions.md'],
    messages: {
      noInverse:
        'step `{{step}}` calls `{{action}}`, which has no inverse ({{why}}), and has no `rollback`: compensation would leave it done',
      noReason:
        'step `{{step}}` sets `rollback: none` with no reason given: write `rollback: { none: true, reason: ... }`',
    },
  },
  checkWorkflow(context) {
    for (const step of context.workflow.steps) {
      if (step.action.effect === 'read') continue;
      const { rollback } = step;
      if (rollback.kind === 'catalog' && rollback.action === undefined) {
        context.report({
          messageId: 'noInverse',
          data: {
            step: step.id,
            action: step.action.id,
            why: rollback.reasonNone ?? 'the catalog names none',
          },
          path: [...step.path, 'action'],
        });
      } else if (rollback.kind === 'none' && (rollback.reason ?? '').trim() === '') {
        context.report({
          messageId: 'noReason',
          data: { step: step.id },
          path: [...step.path, 'rollback'],
        });
      }
    }
  },
};
