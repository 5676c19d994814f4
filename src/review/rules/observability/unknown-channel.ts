import { didYouMean } from '../../../core/did-you-mean.js';
import type { Rule } from '../../rule.js';

/** `observability/unknown-channel`: a `notify` entry names a channel the config does not define. */
export const unknownChannel: Rule = {
  meta: {
    id: 'observability/unknown-channel',
    title: 'Notify names a channel that is not in the config',
    severity: 'high',
    confidence: 'high',
    description:
      'A `notify` entry whose channel is not defined under `channels` in the config sends nothing, and nobody notices, because the failures it was meant to announce are exactly the ones that then go unheard. Worse than no `notify` at all: whoever reads the workflow believes that the on-call hears of failed, compensated and paused runs. High severity, unlike observability/no-notify: it is a definite mistake (usually a typo, for which the message suggests the closest name) that gives false assurance.',
    remediation: {
      summary: 'Name a channel defined under `channels` in the config, or define the channel there.',
      before:
        '# rectify.yaml defines the channel slack-secops\nnotify:\n  - channel: slack-secop\n    on: [failed, compensated, paused]',
      after: 'notify:\n  - channel: slack-secops\n    on: [failed, compensated, paused]',
    },
    references: [
      'spec/review.md',
      'spec/config.md',
      'https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/',
    ],
    messages: {
      unknown: 'channel `{{channel}}` is not in the config, so {{on}} runs notify nobody{{suggestion}}',
    },
    needsConfig: true,
  },
  checkWorkflow(context) {
    const { workflow, config } = context;
    if (!config) return;
    const names = config.channels.map((channel) => channel.name);
    (workflow.workflow.spec.notify ?? []).forEach((entry, index) => {
      if (names.includes(entry.channel)) return;
      const close = didYouMean(entry.channel, names);
      context.report({
        messageId: 'unknown',
        data: {
          channel: entry.channel,
          suggestion: close
            ? `; did you mean \`${close}\`?`
            : names.length > 0
              ? ` (channels: ${names.join(', ')})`
              : ' (it defines no channel)',
          on: entry.on.join(', '),
        },
        path: ['spec', 'notify', index, 'channel'],
      });
    });
  },
};
