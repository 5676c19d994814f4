import { RunOutcome } from '../../../core/types.js';
import type { Rule } from '../../rule.js';

/** Outcomes a person must hear about (spec/review.md, observability/no-notify). */
const mustNotify = [RunOutcome.failed, RunOutcome.compensated, RunOutcome.paused] as const;

/**
 * `observability/no-notify`: a write workflow whose `notify` entries, together, do not cover
 * `failed`, `compensated` and `paused`. Says which of the three are missing.
 */
export const noNotify: Rule = {
  meta: {
    id: 'observability/no-notify',
    title: 'Failed, compensated or paused runs reach nobody',
    severity: 'medium',
    confidence: 'high',
    description:
      'Three outcomes of a workflow that changes things need a person: `failed` (the problem it was meant to fix is still there, perhaps half fixed), `compensated` (it acted, failed, and undid its work: the problem is back) and `paused` (a limit was exceeded and the workflow stays stopped until someone resumes it). Unless some `notify` entry covers each of them, they only show on the dashboard, where nobody looks at 3 a.m., and a paused workflow stays paused, silently. All `notify` entries count together; the channels themselves are checked by observability/unknown-channel. Read-only workflows change nothing and are not reported. Medium severity: a missing notification does no harm by itself, it leaves a failure unseen.',
    remediation: {
      summary:
        'Add a `notify` entry, to a channel someone watches, whose `on` lists failed, compensated and paused (and unverified, needs_attention).',
      before: 'notify:\n  - channel: slack-secops\n    on: [succeeded]',
      after:
        'notify:\n  - channel: slack-secops\n    on: [succeeded, failed, compensated, paused, unverified, needs_attention]',
    },
    references: [
      'spec/review.md',
      'spec/workflow.md',
      'https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/',
    ],
    messages: {
      none: 'workflow {{workflow}} writes but has no `notify`: nobody hears of {{missing}} runs',
      missing: 'no `notify` entry covers {{missing}}: nobody hears when such a run of {{workflow}} happens',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (!workflow.writes) return;
    const notify = workflow.workflow.spec.notify ?? [];
    const covered = new Set<string>(notify.flatMap((entry) => entry.on));
    const missing = mustNotify.filter((outcome) => !covered.has(outcome));
    if (missing.length === 0) return;
    const names = missing.map((outcome) => `\`${outcome}\``);
    const listed =
      names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
    context.report({
      messageId: notify.length === 0 ? 'none' : 'missing',
      data: { workflow: workflow.name, missing: listed },
      path: ['spec', 'notify'],
      target: 'key',
    });
  },
};
