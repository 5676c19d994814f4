import { parseDate } from '../../../core/date.js';
import type { Rule } from '../../rule.js';

/** The longest a workflow may go between reviews (spec/review.md). */
const maxDays = 180;

/** `change/review-horizon-too-long`: `metadata.reviewBy` is more than 180 days after today. */
export const reviewHorizonTooLong: Rule = {
  meta: {
    id: 'change/review-horizon-too-long',
    title: 'Review date too far ahead',
    // Low: nothing is wrong today; a far date only postpones the next look. High confidence.
    severity: 'low',
    confidence: 'high',
    description:
      'A `reviewBy` far in the future turns the review schedule into a formality: systems, owners and threats change within months, and a workflow that acts on its own should be looked at again at least every 180 days.',
    remediation: {
      summary: 'Set `reviewBy` at most 180 days ahead.',
      before: 'metadata:\n  name: clean-bucket\n  reviewBy: 2029-01-01',
      after: 'metadata:\n  name: clean-bucket\n  reviewBy: 2027-03-01',
    },
    references: ['spec/review.md', 'spec/workflow.md#metadata'],
    messages: {
      tooFar:
        '`reviewBy` is {{reviewBy}}, {{days}} days after today ({{today}}): set it at most {{max}} days ahead, by {{latest}}',
    },
  },
  checkWorkflow(context) {
    const { reviewBy } = context.workflow.workflow.metadata;
    const due = parseDate(reviewBy);
    const today = parseDate(context.today);
    if (due === undefined || today === undefined) return;
    const days = Math.round((due - today) / 86_400_000);
    if (days <= maxDays) return;
    context.report({
      messageId: 'tooFar',
      data: {
        reviewBy,
        days,
        today: context.today,
        max: maxDays,
        latest: new Date(today + maxDays * 86_400_000).toISOString().slice(0, 10),
      },
      path: ['metadata', 'reviewBy'],
    });
  },
};
