import type { Rule } from '../../rule.js';

/**
 * `trigger/wildcard-types`: a workflow that writes must name the event types it acts on.
 * Reads the catalog (does any step write?), never action names.
 */
export const wildcardTypes: Rule = {
  meta: {
    id: 'trigger/wildcard-types',
    title: 'Write workflow triggered by any event type',
    severity: 'high',
    confidence: 'high',
    description:
      'A workflow that changes things should act only on the event types it was written for. `types: ["*"]` lets any event of the source start it, including types added later by the source, test events and events of a different shape whose fields the match then reads wrongly.',
    remediation: {
      summary: 'List the event types the workflow handles.',
      before: 'trigger:\n  source: scanner\n  types: ["*"]',
      after: 'trigger:\n  source: scanner\n  types: [sandbox.bucket.public]',
    },
    references: ['spec/review.md', 'https://owasp.org/Top10/A04_2021-Insecure_Design/'],
    messages: { wildcard: 'this workflow writes ({{actions}}) but accepts every event type of {{source}}' },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (!workflow.writes) return;
    const types = workflow.workflow.spec.trigger.types;
    const index = types.findIndex((type) => type.includes('*'));
    if (index === -1) return;
    const actions = workflow.steps
      .filter((step) => step.action.effect !== 'read')
      .map((step) => step.action.id);
    context.report({
      messageId: 'wildcard',
      data: { actions: [...new Set(actions)].join(', '), source: workflow.workflow.spec.trigger.source },
      path: ['spec', 'trigger', 'types', index],
    });
  },
};
