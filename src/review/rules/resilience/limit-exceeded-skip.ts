import type { Rule } from '../../rule.js';

/**
 * `resilience/limit-exceeded-skip`: `onExceeded: skip` on a workflow with a destructive step.
 * Past a limit, skip keeps going at the limit's pace and drops the rest without stopping for
 * a person; pause stops and asks.
 */
export const limitExceededSkip: Rule = {
  meta: {
    id: 'resilience/limit-exceeded-skip',
    title: 'Destructive workflow skips work past its limits',
    // Medium: the limits still hold (nothing destroys more than allowed); what is lost is the
    // stop-and-look, and the findings past the limit are left unremedied. High confidence: the
    // value and the catalog's effect are certain.
    severity: 'medium',
    confidence: 'high',
    description:
      "A limit that is exceeded is a signal: an event storm, a scanner gone wrong, or an attack that makes the workflow destroy things on its behalf. With `onExceeded: pause` the workflow stops until a person has looked and resumes it. With `skip` the runs past the limit are dropped (recorded, but no one is asked) and the workflow carries on destroying at the limit's pace as soon as the window allows, while the findings it skipped are never remedied.",
    remediation: {
      summary: 'Use `onExceeded: pause` on a workflow with destructive steps.',
      before:
        'limits:\n  rate: { max: 10, per: 1h }\n  blastRadius: { max: 1, per: 24h }\n  onExceeded: skip',
      after:
        'limits:\n  rate: { max: 10, per: 1h }\n  blastRadius: { max: 1, per: 24h }\n  onExceeded: pause',
    },
    references: ['spec/review.md', 'docs/workflows.md#limits'],
    messages: {
      skip: '`onExceeded: skip` drops runs past the limits of a workflow that destroys ({{actions}}) without stopping for a person',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (workflow.limits.onExceeded !== 'skip') return;
    const destructive = workflow.steps
      .filter((step) => step.action.effect === 'destructive')
      .map((step) => `\`${step.action.id}\` in step \`${step.id}\``);
    if (destructive.length === 0) return;
    context.report({
      messageId: 'skip',
      data: { actions: destructive.join(', ') },
      path: ['spec', 'limits', 'onExceeded'],
    });
  },
};
