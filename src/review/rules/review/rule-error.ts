import type { Rule } from '../../rule.js';

export const ruleError: Rule = {
  meta: {
    id: 'review/rule-error',
    title: 'A rule failed',
    severity: 'high',
    confidence: 'high',
    description:
      'A rule raised an error instead of deciding. This is a bug in Rectify; the review reports it as a blocking finding rather than pass a workflow nobody checked.',
    remediation: {
      summary:
        "Report the bug with the workflow that triggers it; meanwhile review the rule's concern by hand.",
      before: '(any workflow)',
      after: '(the same workflow, once the rule is fixed)',
    },
    references: ['CONTRIBUTING.md'],
    messages: { failed: 'rule {{rule}} failed: {{error}}' },
  },
};
