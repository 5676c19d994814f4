import type { Rule } from '../../rule.js';

export const unusedSuppression: Rule = {
  meta: {
    id: 'review/unused-suppression',
    title: 'Suppression that matches no finding',
    severity: 'low',
    confidence: 'high',
    description:
      'An inline `# rectify: ignore[...]` comment suppresses nothing: the finding it was written for is gone, or it names the wrong rule or line. Stale suppressions hide the next real finding on that line.',
    remediation: {
      summary: 'Delete the comment, or move it to the line of the finding it is meant for.',
      before:
        '  # rectify: ignore[observability/no-verify] reason="verified by the pager" until=2027-01-31\n  verify:\n    check: sandbox.bucket.get',
      after: '  verify:\n    check: sandbox.bucket.get',
    },
    references: ['docs/review.md#suppressions'],
    messages: { unused: 'this suppression of {{rules}} matches no finding on this line or the next' },
  },
};
