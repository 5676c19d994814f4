import type { Rule } from '../../rule.js';

/**
 * `resilience/no-limits`: a workflow that writes must bound both how often it runs (`rate`) and
 * how many distinct resources it changes (`blastRadius`). Says which of the two is missing.
 */
export const noLimits: Rule = {
  meta: {
    id: 'resilience/no-limits',
    title: 'Write workflow without rate and blast-radius limits',
    // High: without them an event storm, a replayed feed or a match that is too wide changes
    // every resource it names before anyone looks. High confidence: the limits are written or not.
    severity: 'high',
    confidence: 'high',
    description:
      'Limits are what stop a remediation from becoming the incident: an event storm, a scanner bug, a replayed feed or a `match` that is wider than meant can start thousands of runs. `rate` bounds the runs started per window and `blastRadius` the distinct resources changed per window across all runs; when either is exceeded the workflow pauses for a person. A workflow that writes needs both: a rate alone still lets every run touch a new resource, and a blast radius alone lets a storm of runs queue against it.',
    remediation: {
      summary: 'Set both `limits.rate` and `limits.blastRadius`, with `onExceeded: pause`.',
      before: 'spec:\n  limits:\n    concurrency: 1',
      after:
        'spec:\n  limits:\n    concurrency: 1\n    rate: { max: 10, per: 1h }\n    blastRadius: { max: 5, per: 24h }\n    onExceeded: pause',
    },
    references: ['spec/review.md', 'docs/workflows.md#limits'],
    messages: {
      noLimits:
        'this workflow writes ({{actions}}) with neither a `rate` nor a `blastRadius` limit: nothing bounds how much it changes',
      noRate:
        'this workflow writes ({{actions}}) with no `rate` limit: nothing bounds how many runs start per window',
      noBlastRadius:
        'this workflow writes ({{actions}}) with no `blastRadius` limit: nothing bounds how many distinct resources it changes per window',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (!workflow.writes) return;
    const { rate, blastRadius } = workflow.limits;
    if (rate && blastRadius) return;
    const actions = workflow.steps
      .filter((step) => step.action.effect !== 'read')
      .map((step) => step.action.id);
    context.report({
      messageId: !rate && !blastRadius ? 'noLimits' : !rate ? 'noRate' : 'noBlastRadius',
      data: { actions: [...new Set(actions)].join(', ') },
      // `limits:` when the block is written; otherwise the lookup stops at `spec:`.
      path: ['spec', 'limits'],
      target: 'key',
    });
  },
};
