import type { Rule } from '../../rule.js';

export const invalidFile: Rule = {
  meta: {
    id: 'review/invalid-file',
    title: 'File that does not load',
    severity: 'high',
    confidence: 'high',
    description:
      'A workflow, test or config that does not load cannot be reviewed, and would be refused by the server. Each loader problem is reported under this rule with its own code, so every output format (SARIF included) shows it where it is.',
    remediation: {
      summary:
        'Fix the file as the message says; `rectify validate` gives the same problems with code frames.',
      before: 'spec:\n  mode: enforced',
      after: 'spec:\n  mode: enforce',
    },
    references: ['docs/diagnostics.md'],
    messages: { diagnostic: '{{code}}: {{message}}' },
  },
};
