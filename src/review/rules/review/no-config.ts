import type { Rule } from '../../rule.js';

export const noConfig: Rule = {
  meta: {
    id: 'review/no-config',
    title: 'Reviewed without the config',
    severity: 'info',
    confidence: 'high',
    description:
      'Several rules judge a workflow together with `rectify.yaml`: its sources, credentials, channels, roles and bindings. Reviewed without it, those rules cannot run, and this notice names them.',
    remediation: {
      summary: 'Review the workflows together with the config: `rectify review rectify.yaml workflows/`.',
      before: 'rectify review workflows/',
      after: 'rectify review rectify.yaml workflows/',
    },
    references: ['docs/review.md'],
    messages: { noConfig: 'no Config document was given: {{rules}} did not run' },
  },
};
