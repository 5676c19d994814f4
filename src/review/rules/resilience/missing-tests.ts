import type { WorkflowTestCase } from '../../../core/model/workflow-test.js';
import { RunOutcome } from '../../../core/types.js';
import type { Rule } from '../../rule.js';

/**
 * Outcomes that end a run before any step, by definition: a guard or corroboration did not hold,
 * an exemption matched, a duplicate, the rate limit, an approval denied or timed out. Not here:
 * `dry-run` (the acting path, recorded), `paused` and `cancelled` (may come after some steps),
 * `awaiting_approval` (not an end), and the failures.
 */
const noActionOutcomes: ReadonlySet<string> = new Set([
  RunOutcome.skipped,
  RunOutcome.exempted,
  RunOutcome.deduplicated,
  RunOutcome.rateLimited,
  RunOutcome.rejected,
]);

/**
 * A case where nothing must happen: it asserts `actions: []`, or, leaving `actions` out, an
 * outcome that performs no action. A case that lists actions is never one, whatever its outcome.
 */
export function expectsNothing(testCase: WorkflowTestCase): boolean {
  const { actions, outcome } = testCase.expect;
  return actions !== undefined ? actions.length === 0 : noActionOutcomes.has(outcome);
}

/**
 * `resilience/missing-tests`: a workflow that writes has no WorkflowTest case at all, or no case
 * where nothing must happen. Only the test files reviewed with the workflow are known.
 */
export const missingTests: Rule = {
  meta: {
    id: 'resilience/missing-tests',
    title: 'Write workflow without tests, or without a case where nothing happens',
    // Medium: untested is a gap, not a hole, and `rectify test` still runs its generated drills.
    // High confidence: the test files reviewed with the workflow are all there is to go on.
    severity: 'medium',
    confidence: 'high',
    description:
      'A workflow that writes should come with a `<name>.test.yaml` whose cases show it acts when it should and, above all, that it does not act when it should not: the resource was already fixed, the live read disagrees with the event, an exemption holds, the approver says no. Auto-remediation fails dangerously by acting where it should not, so at least one case must expect nothing to happen: `actions: []`, or an outcome that ends the run before any step (`skipped`, `exempted`, `deduplicated`, `rate-limited`, `rejected`). Review the test file together with the workflow.',
    remediation: {
      summary:
        'Add a WorkflowTest file with a case that acts and a case that expects `actions: []`, and review it with the workflow.',
      before:
        'kind: WorkflowTest\nworkflow: clean-bucket\ncases:\n  - name: a public bucket is made private\n    event: { type: sandbox.bucket.public, resource: { id: b1, bucket: demo-reports } }\n    state: { sandbox.bucket.get: { access: public } }\n    expect: { outcome: succeeded, actions: [sandbox.bucket.set-access] }',
      after:
        'kind: WorkflowTest\nworkflow: clean-bucket\ncases:\n  - name: a public bucket is made private\n    event: { type: sandbox.bucket.public, resource: { id: b1, bucket: demo-reports } }\n    state: { sandbox.bucket.get: { access: public } }\n    expect: { outcome: succeeded, actions: [sandbox.bucket.set-access] }\n  - name: already private, nothing happens\n    event: { type: sandbox.bucket.public, resource: { id: b1, bucket: demo-reports } }\n    state: { sandbox.bucket.get: { access: private } }\n    expect: { outcome: skipped, actions: [] }',
    },
    references: ['spec/review.md', 'spec/workflow.md', 'docs/workflows.md'],
    messages: {
      noTests:
        'workflow `{{workflow}}` writes ({{actions}}) but no WorkflowTest case for it was reviewed: add `{{workflow}}.test.yaml` beside it',
      noNothingCase:
        'no test case of `{{workflow}}` expects nothing to happen ({{cases}} reviewed): add one with `actions: []`, e.g. where the live read says the problem is gone',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (!workflow.writes) return;
    const cases = context.tests.flatMap((test) => test.cases);
    const actions = workflow.steps
      .filter((step) => step.action.effect !== 'read')
      .map((step) => step.action.id);
    if (cases.length === 0) {
      context.report({
        messageId: 'noTests',
        data: { workflow: workflow.name, actions: [...new Set(actions)].join(', ') },
        path: ['metadata', 'name'],
      });
    } else if (!cases.some(expectsNothing)) {
      context.report({
        messageId: 'noNothingCase',
        data: {
          workflow: workflow.name,
          cases: cases.length === 1 ? '1 test case' : `${cases.length} test cases`,
        },
        path: ['metadata', 'name'],
      });
    }
  },
};
