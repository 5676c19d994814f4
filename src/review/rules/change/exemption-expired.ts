import { parseDate } from '../../../core/date.js';
import type { Rule } from '../../rule.js';

/**
 * `change/exemption-expired`: an exemption past its `until` (it holds through that whole day),
 * or one whose reason is blank. The loader already requires `owner`, `reason` and `until`, and
 * checks the owner's form and the date, so a missing one never reaches the review; a reason of
 * white space only does.
 */
export const exemptionExpired: Rule = {
  meta: {
    id: 'change/exemption-expired',
    title: 'Exemption past its date, or without a reason',
    // Medium: an expired exemption silently stops applying, so the workflow now acts on what
    // its owner once needed left alone (the reason it was exempted may still hold), and the
    // stale entry hides that nobody revisited it. High confidence: dates compared.
    severity: 'medium',
    confidence: 'high',
    description:
      'An exemption is an owned, time-boxed exception: its `until` is when its owner promised to look again. Past it the exemption stops applying, and the workflow starts acting on what was exempted, whether or not the reason went away (the vendor tool, the migration). Renew it with its owner (a new `until`, the reason as it stands now) or remove it. A reason left blank explains nothing to the person who finds the exception.',
    remediation: {
      summary: 'Ask the owner: renew the exemption with a new `until` and a current reason, or remove it.',
      before:
        'exempt:\n  - when: event.resource.bucket == "demo-exports"\n    reason: vendor sync until the migration (DATA-88)\n    owner: team:analytics\n    until: 2026-10-31',
      after:
        'exempt:\n  - when: event.resource.bucket == "demo-exports"\n    reason: vendor sync until the migration, now planned for January (DATA-88)\n    owner: team:analytics\n    until: 2027-01-31',
    },
    references: ['spec/review.md', 'spec/workflow.md#specexempt'],
    messages: {
      expired:
        'the exemption owned by {{owner}} ({{reason}}) ended on {{until}}, {{days}} ago: it no longer applies, and the workflow acts on what it exempted',
      noReason: 'the exemption owned by {{owner}} has a blank `reason`: say why it is needed',
    },
  },
  checkWorkflow(context) {
    const today = parseDate(context.today);
    (context.workflow.workflow.spec.exempt ?? []).forEach((exemption, index) => {
      const path = ['spec', 'exempt', index];
      if (exemption.reason.trim() === '') {
        context.report({
          messageId: 'noReason',
          data: { owner: exemption.owner },
          path: [...path, 'reason'],
        });
      }
      const until = parseDate(exemption.until);
      if (until === undefined || today === undefined || today <= until) return;
      const days = Math.round((today - until) / 86_400_000);
      context.report({
        messageId: 'expired',
        data: {
          owner: exemption.owner,
          reason: exemption.reason.trim() === '' ? 'no reason given' : exemption.reason.trim(),
          until: exemption.until,
          days: days === 1 ? '1 day' : `${days} days`,
        },
        path: [...path, 'until'],
      });
    });
  },
};
