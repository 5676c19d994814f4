import type { Rule } from '../../rule.js';

/** `observability/no-verify`: a workflow that changes things and never checks that it worked. */
export const noVerify: Rule = {
  meta: {
    id: 'observability/no-verify',
    title: 'Write workflow without verify',
    severity: 'medium',
    confidence: 'high',
    description:
      "Without `verify`, a run ends `succeeded` as soon as its steps' calls returned, which says nothing about the problem it was meant to fix: the API may accept a change and not apply it, another automation may put the old state back, the step may have acted on a different resource than the finding. `verify` reads live state after the steps and ends the run `unverified` (a failure: notified, compensated) when the problem is still there, so `succeeded` means fixed. Read-only workflows change nothing and are not reported. Medium severity: the workflow is not less safe, its outcomes are less true.",
    remediation: {
      summary:
        'Add `verify`: a read action of the catalog and an `expect` that holds only when the problem is gone, with `after` if the change takes time to show.',
      before:
        'steps:\n  - id: close\n    action: sandbox.bucket.set-access\n    with: { bucket: "${{ event.resource.bucket }}", access: private }',
      after:
        'steps:\n  - id: close\n    action: sandbox.bucket.set-access\n    with: { bucket: "${{ event.resource.bucket }}", access: private }\nverify:\n  check: sandbox.bucket.get\n  with: { bucket: "${{ event.resource.bucket }}" }\n  expect: result.access == "private"\n  after: 5s',
    },
    references: [
      'spec/review.md',
      'spec/workflow.md',
      'https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/',
    ],
    messages: {
      noVerify:
        'workflow {{workflow}} writes ({{actions}}) but has no `verify`: `succeeded` will only mean the calls returned',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (!workflow.writes || workflow.workflow.spec.verify !== undefined) return;
    const actions = workflow.steps
      .filter((step) => step.action.effect !== 'read')
      .map((step) => step.action.id);
    context.report({
      messageId: 'noVerify',
      data: { workflow: workflow.name, actions: [...new Set(actions)].join(', ') },
      path: ['spec', 'verify'],
    });
  },
};
