import type { Rule } from '../../rule.js';
import { typeList, writeActions } from './shared.js';

/**
 * `trigger/no-match-condition`: a workflow that writes acts on every event of its types unless
 * `match` narrows them down. Reads the catalog (does any step write?), never action names.
 */
export const noMatchCondition: Rule = {
  meta: {
    id: 'trigger/no-match-condition',
    title: 'Write workflow without a match condition',
    severity: 'medium',
    confidence: 'high',
    description:
      "Without `match`, a workflow that changes things acts on every event of its types from its source: every resource a scan lists, every alert of that name (resolved ones included), in every account, cluster and environment the source covers, including those added later. `match` is where a workflow says which of them it was written for, and reviewers read it to judge the workflow's reach. Medium, not high: the omission is visible, and live `corroborate` checks, approval and limits may still keep the workflow to its purpose; `trigger/tautological-match` (high) covers a `match` that looks like a condition but filters nothing.",
    remediation: {
      summary:
        'Add a `match` that pins the events the workflow acts on (environment, account, resource names).',
      before: [
        'trigger:',
        '  source: aws-security-hub',
        '  types: [S3.2, S3.8]',
        '  dedupe: { key: event.resource.id, window: 6h }',
      ].join('\n'),
      after: [
        'trigger:',
        '  source: aws-security-hub',
        '  types: [S3.2, S3.8]',
        '  match: >-',
        '    event.data.AwsAccountId == "111122223333" &&',
        '    event.data.RecordState == "ACTIVE" &&',
        '    event.resource.kind == "AwsS3Bucket"',
        '  dedupe: { key: event.resource.id, window: 6h }',
      ].join('\n'),
    },
    references: ['spec/review.md', 'spec/workflow.md', 'https://owasp.org/Top10/A04_2021-Insecure_Design/'],
    messages: {
      noMatch:
        'this workflow writes ({{actions}}) on every {{types}} event from {{source}}: the trigger has no `match`',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (!workflow.writes || workflow.match !== undefined) return;
    context.report({
      messageId: 'noMatch',
      data: {
        actions: writeActions(workflow),
        types: typeList(workflow),
        source: workflow.workflow.spec.trigger.source,
      },
      path: ['spec', 'trigger'],
      target: 'key',
    });
  },
};
