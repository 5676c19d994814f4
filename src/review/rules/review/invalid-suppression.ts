import type { Rule } from '../../rule.js';

export const invalidSuppression: Rule = {
  meta: {
    id: 'review/invalid-suppression',
    title: 'Suppression that cannot apply',
    severity: 'medium',
    confidence: 'high',
    description:
      'An inline suppression must name known rules and give a reason; for a high or critical finding it must also give an `until` date. One that does not is ignored, and the finding it meant to accept is reported.',
    remediation: {
      summary: 'Name the rule, give `reason="..."`, and for high and critical findings `until=YYYY-MM-DD`.',
      before: '# rectify: ignore[trigger/no-match-condition]',
      after:
        '# rectify: ignore[trigger/no-match-condition] reason="every event of this type is actionable" until=2027-03-01',
    },
    references: ['docs/review.md#suppressions'],
    messages: {
      unknownRule: 'no rule is named `{{rule}}`{{suggestion}}',
      noReason: 'a suppression needs `reason="..."`',
      noUntil: '{{rule}} is {{severity}}: suppressing it needs `until=YYYY-MM-DD`',
      badUntil: '`until={{until}}` is not a date written YYYY-MM-DD',
      malformed:
        'this comment looks like a suppression but does not read as `# rectify: ignore[<rule-id>] reason="..." until=YYYY-MM-DD`',
    },
  },
};
