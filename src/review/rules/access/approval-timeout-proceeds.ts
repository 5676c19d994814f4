import type { Rule } from '../../rule.js';

/**
 * `access/approval-timeout-proceeds`: `approval.onTimeout: proceed` makes silence an approval.
 * Not reported where the approval is never requested (`when: never`) or the workflow only reads.
 */
export const approvalTimeoutProceeds: Rule = {
  meta: {
    id: 'access/approval-timeout-proceeds',
    title: 'Approval proceeds when nobody answers',
    severity: 'high',
    confidence: 'high',
    description:
      'An approval exists because a person should look at the concrete change before it happens. With `onTimeout: proceed` the run goes ahead when nobody answers in time, so the approval only delays the action: at night, on a holiday, or during the very incident that floods approvers with requests, the workflow acts unapproved, and everyone reading it believes a person approves each run. Abort instead (the run ends `rejected`, which can be notified) and let the on-call resume by hand. Not reported when the approval is never requested (`when: never`: nothing times out) or the workflow only reads.',
    remediation: {
      summary:
        'Set `onTimeout: abort` and notify on `rejected` (and `awaiting_approval`) so that a missed approval reaches a person.',
      before:
        'approval:\n  when: always\n  approvers: [role:secops-oncall]\n  timeout: 30m\n  onTimeout: proceed',
      after:
        'approval:\n  when: always\n  approvers: [role:secops-oncall]\n  timeout: 30m\n  onTimeout: abort\nnotify:\n  - channel: slack-secops\n    on: [awaiting_approval, rejected, failed, compensated, paused]',
    },
    references: ['spec/review.md', 'spec/workflow.md', 'https://cwe.mitre.org/data/definitions/636.html'],
    messages: {
      proceeds:
        'workflow {{workflow}} acts without approval when nobody answers {{within}}: a timeout approves the run',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    const approval = workflow.approval;
    if (!approval || approval.when === 'never' || approval.onTimeout !== 'proceed' || !workflow.writes)
      return;
    const timeout = workflow.workflow.spec.approval?.timeout;
    context.report({
      messageId: 'proceeds',
      data: {
        workflow: workflow.name,
        within: timeout ? `within ${timeout}` : 'before the approval times out',
      },
      path: ['spec', 'approval', 'onTimeout'],
    });
  },
};
