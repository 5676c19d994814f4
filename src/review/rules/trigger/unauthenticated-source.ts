import type { Rule } from '../../rule.js';
import { findSource, missingAuth, writeActions } from './shared.js';

/**
 * `trigger/unauthenticated-source`: a workflow that writes is started by events anyone could
 * have sent. Reported in the workflow, at its `source`, and once per source in the config.
 */
export const unauthenticatedSource: Rule = {
  meta: {
    id: 'trigger/unauthenticated-source',
    title: 'Write workflow triggered by an unauthenticated source',
    severity: 'high',
    confidence: 'high',
    description:
      "Every field a workflow decides on comes from its source's events. A webhook source without `auth` (a bearer token or an HMAC signature) takes events from anyone who can reach Rectify's endpoint, and a NATS source that connects without credentials sits on a server that admits anonymous clients, who can publish on its subject too: either way an attacker can forge events that start the workflow and steer its parameters. Schedule sources are pulled by Rectify with its own credentials and are never reported. The workflow is reported at its `source` when it writes; the config is reported once for each such source that a reviewed workflow writing on its events uses (an unused open source starts nothing; it is reported as soon as a write workflow uses it).",
    remediation: {
      summary:
        'Give the source `auth`: a bearer token or an HMAC signature for a webhook, a token or credentials file for NATS (all as env:/file: references), and configure the sender to use it.',
      before: ['sources:', '  - name: alertmanager', '    type: webhook', '    format: alertmanager'].join(
        '\n',
      ),
      after: [
        'sources:',
        '  - name: alertmanager',
        '    type: webhook',
        '    format: alertmanager',
        '    auth: { bearer: env:AM_TOKEN }',
      ].join('\n'),
    },
    references: [
      'spec/review.md',
      'spec/config.md',
      'https://cwe.mitre.org/data/definitions/306.html',
      'https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/',
    ],
    messages: {
      workflow:
        'this workflow writes ({{actions}}) on events of {{type}} source `{{source}}`, which has no auth: {{why}}',
      config: '{{type}} source `{{source}}` has no auth, and {{workflows}} on its events: {{why}}',
    },
    needsConfig: true,
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (!workflow.writes) return;
    const name = workflow.workflow.spec.trigger.source;
    const found = findSource(context.config, name);
    if (!found) return;
    const why = missingAuth(found.source);
    if (!why) return;
    context.report({
      messageId: 'workflow',
      data: { actions: writeActions(workflow), type: found.source.type, source: name, why },
      path: ['spec', 'trigger', 'source'],
    });
  },
  checkConfig(context) {
    context.config.sources.forEach((source, index) => {
      const why = missingAuth(source);
      if (!why) return;
      const users = context.workflows
        .filter((workflow) => workflow.writes && workflow.workflow.spec.trigger.source === source.name)
        .map((workflow) => workflow.name);
      if (users.length === 0) return;
      const names = [...new Set(users)].sort();
      context.report({
        messageId: 'config',
        data: {
          type: source.type,
          source: source.name,
          why,
          workflows:
            names.length === 1 ? `workflow ${names[0] ?? ''} writes` : `workflows ${names.join(', ')} write`,
        },
        path: ['sources', index, 'name'],
      });
    });
  },
};
