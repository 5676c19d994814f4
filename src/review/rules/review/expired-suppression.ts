import type { Rule } from '../../rule.js';

export const expiredSuppression: Rule = {
  meta: {
    id: 'review/expired-suppression',
    title: 'Suppression past its date',
    severity: 'medium',
    confidence: 'high',
    description:
      'An inline suppression whose `until` date has passed no longer applies: the finding it accepted is reported again, and this notice says why.',
    remediation: {
      summary: 'Fix the finding, or review the exception again and set a new `until` date.',
      before: '# rectify: ignore[trigger/no-dedupe] reason="scanner dedupes" until=2026-01-31',
      after:
        '# rectify: ignore[trigger/no-dedupe] reason="scanner dedupes (checked 2026-11-27)" until=2027-02-28',
    },
    references: ['docs/review.md#suppressions'],
    messages: {
      expired:
        'this suppression of {{rules}} expired on {{until}}; the finding it accepted is reported again',
    },
  },
};
