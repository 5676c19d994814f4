import type { SourceConfig } from '../../../core/model/config.js';
import type { Rule } from '../../rule.js';
import { findSource, writeActions } from './shared.js';

/** How each kind of source repeats an event. Every kind does: there is no exception. */
const repeats: Readonly<Record<SourceConfig['type'], string>> = {
  webhook: 'webhook senders retry a delivery they saw no answer to, and re-send alerts that are still firing',
  nats: 'JetStream redelivers every message that was not acknowledged in time',
  schedule: 'a scan reports the same resource again at every interval until it changes',
};

/**
 * `trigger/no-dedupe`: a workflow that writes without `dedupe` runs again for each repeat of an
 * event. Every source type repeats events, so the config only sharpens the message.
 */
export const noDedupe: Rule = {
  meta: {
    id: 'trigger/no-dedupe',
    title: 'Write workflow without dedupe',
    severity: 'medium',
    confidence: 'high',
    description:
      'Every kind of source delivers the same event more than once: webhook senders retry and re-send firing alerts, JetStream redelivers unacknowledged messages, and a schedule scan reports a resource at every interval until it is fixed. Without `dedupe`, each repeat starts another run: a non-idempotent action runs again, a change a person has just undone is made again (the workflow fights them), and repeats use up the rate and blast-radius limits that should stop a real storm. No source type is exempt. Medium: corroboration and idempotent actions usually make the repeats harmless noise, and limits bound the rest.',
    remediation: {
      summary:
        'Add `dedupe` with a key naming the resource (and, when it matters, the condition) and a window at least as long as a repeat cycle.',
      before: [
        'trigger:',
        '  source: pg-scan',
        '  types: [postgres.schema.privileges]',
        '  match: event.resource.schema == "public"',
      ].join('\n'),
      after: [
        'trigger:',
        '  source: pg-scan',
        '  types: [postgres.schema.privileges]',
        '  match: event.resource.schema == "public"',
        '  dedupe: { key: event.resource.id, window: 1h }',
      ].join('\n'),
    },
    references: [
      'spec/review.md',
      'spec/workflow.md',
      'https://docs.nats.io/using-nats/developer/develop_jetstream/consumers',
    ],
    messages: {
      noDedupe:
        'this workflow writes ({{actions}}) but its trigger has no `dedupe`, so every repeat of an event starts another run: {{why}}',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (!workflow.writes || workflow.dedupe !== undefined) return;
    const name = workflow.workflow.spec.trigger.source;
    const found = findSource(context.config, name);
    context.report({
      messageId: 'noDedupe',
      data: {
        actions: writeActions(workflow),
        why: found
          ? `\`${name}\` is a ${found.source.type} source, and ${repeats[found.source.type]}`
          : 'every kind of source repeats events (webhooks retry, JetStream redelivers, scans report again)',
      },
      path: ['spec', 'trigger'],
      target: 'key',
    });
  },
};
