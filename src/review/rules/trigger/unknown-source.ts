import { didYouMean } from '../../../core/did-you-mean.js';
import type { Rule } from '../../rule.js';
import { findSource } from './shared.js';

/** `trigger/unknown-source`: the trigger names a source the config does not define. */
export const unknownSource: Rule = {
  meta: {
    id: 'trigger/unknown-source',
    title: 'Trigger source not in the config',
    severity: 'high',
    confidence: 'high',
    description:
      'A workflow only receives events from the source its trigger names, so a source the config does not define means the workflow never runs: the problem it was written to fix stays unfixed while everyone believes it is handled. Worse, a source added later under that name (of any type, with or without auth) would start feeding it without this review having judged that source. High: the workflow cannot work as written, and what it would act on later is unreviewed.',
    remediation: {
      summary: 'Name a source defined under `sources` in the config (or define the missing source there).',
      before: ['trigger:', '  source: alert-manager', '  types: [PostgresRoleConnectionsHigh]'].join('\n'),
      after: ['trigger:', '  source: alertmanager', '  types: [PostgresRoleConnectionsHigh]'].join('\n'),
    },
    references: ['spec/review.md', 'spec/config.md'],
    messages: {
      unknown: 'source `{{source}}` is not defined in the config{{suggestion}}',
    },
    needsConfig: true,
  },
  checkWorkflow(context) {
    const { config, workflow } = context;
    if (!config) return;
    const name = workflow.workflow.spec.trigger.source;
    if (findSource(config, name)) return;
    const names = config.sources.map((source) => source.name);
    const close = didYouMean(name, names);
    context.report({
      messageId: 'unknown',
      data: {
        source: name,
        suggestion: close
          ? `; did you mean \`${close}\`?`
          : names.length > 0
            ? `; sources: ${names.join(', ')}`
            : ': it defines no source',
      },
      path: ['spec', 'trigger', 'source'],
    });
  },
};
