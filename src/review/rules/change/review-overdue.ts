import { parseDate } from '../../../core/date.js';
import type { Rule } from '../../rule.js';

/**
 * `change/review-overdue`: `metadata.reviewBy` is before today. The date holds through its whole
 * day, as `until` dates do: on the day itself the review is due, not overdue.
 */
export const reviewOverdue: Rule = {
  meta: {
    id: 'change/review-overdue',
    title: 'Review date passed',
    // Medium: the workflow is no less safe the day after its date, but nobody has confirmed it
    // still fits the systems it acts on. High confidence: two dates compared.
    severity: 'medium',
    confidence: 'high',
    description:
      "`reviewBy` is the date by which the workflow's owner has checked again that it still fits: the systems it acts on, its exemptions, its limits, who may approve. Past it, the workflow keeps acting on assumptions nobody has looked at since. Review the workflow and move `reviewBy` forward (at most 180 days).",
    remediation: {
      summary: 'Review the workflow with its owner, then set `reviewBy` to the next review date.',
      before: 'metadata:\n  name: clean-bucket\n  owner: team:secops\n  reviewBy: 2026-06-30',
      after: 'metadata:\n  name: clean-bucket\n  owner: team:secops\n  reviewBy: 2027-03-01',
    },
    references: ['spec/review.md', 'spec/workflow.md#metadata'],
    messages: {
      overdue:
        '`{{workflow}}` was due for review by {{reviewBy}}, {{days}} ago (today is {{today}}); owner: {{owner}}',
    },
  },
  checkWorkflow(context) {
    const { metadata } = context.workflow.workflow;
    const due = parseDate(metadata.reviewBy);
    const today = parseDate(context.today);
    if (due === undefined || today === undefined || today <= due) return;
    const days = Math.round((today - due) / 86_400_000);
    context.report({
      messageId: 'overdue',
      data: {
        workflow: metadata.name,
        reviewBy: metadata.reviewBy,
        days: days === 1 ? '1 day' : `${days} days`,
        today: context.today,
        owner: metadata.owner,
      },
      path: ['metadata', 'reviewBy'],
    });
  },
};
