import { eventFieldPaths } from '../../analysis/event-fields.js';
import type { Rule } from '../../rule.js';
import { typeList } from './shared.js';

/** Envelope fields the trigger itself fixes: reading them says nothing about the resource. */
const routingFields: ReadonlySet<string> = new Set(['type', 'source']);

/**
 * `trigger/single-signal-destructive`: a destructive action (catalog effect `destructive`)
 * decided by at most one event field, with nothing read live. Reads the catalog, never names.
 */
export const singleSignalDestructive: Rule = {
  meta: {
    id: 'trigger/single-signal-destructive',
    title: 'Destructive action decided by one event field alone',
    severity: 'high',
    confidence: 'medium',
    description:
      "A destructive action (one the catalog marks `destructive`: what relied on the resource breaks, and undoing it may not restore everything) should not rest on one claim of one event. When the workflow's `match` and the step's `if` read at most one event field (`event.type` and `event.source` do not count: the trigger fixes them) and no `corroborate` check reads the live state, a single wrong, stale, replayed or forged field is enough to run it. Confidence is medium: the count of fields is a proxy, and a second field of the same event is weaker evidence than a live read; a corroborate check is what the rule asks for.",
    remediation: {
      summary:
        'Add a `corroborate` check that reads the resource live and confirms what the event claims before the destructive step runs.',
      before: [
        'trigger:',
        '  source: secret-scanner',
        '  types: [db.role.superuser-granted]',
        '  match: event.data.unexpected == true',
        'steps:',
        '  - id: drop-superuser',
        '    action: postgres.role.set-superuser',
        '    with: { role: "${{ event.resource.role }}", superuser: false }',
      ].join('\n'),
      after: [
        'trigger:',
        '  source: secret-scanner',
        '  types: [db.role.superuser-granted]',
        '  match: >-',
        '    event.data.unexpected == true &&',
        '    event.resource.cluster == "pg-prod-1" &&',
        "    event.resource.role.matches('^app_[a-z0-9_]{1,40}$')",
        'corroborate:',
        '  - check: postgres.role.get',
        '    with: { role: "${{ event.resource.role }}" }',
        '    expect: result.exists && result.superuser',
        'steps:',
        '  - id: drop-superuser',
        '    action: postgres.role.set-superuser',
        '    with: { role: "${{ event.resource.role }}", superuser: false }',
      ].join('\n'),
    },
    references: ['spec/review.md', 'spec/workflow.md', 'https://cwe.mitre.org/data/definitions/345.html'],
    messages: {
      oneField:
        'step `{{step}}` runs the destructive {{action}} on the word of one event field, `{{field}}`, with no `corroborate` check of live state',
      noField:
        'step `{{step}}` runs the destructive {{action}} on any {{types}} event from {{source}}: no event field is checked and there is no `corroborate` check of live state',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (workflow.corroborate.length > 0) return;
    for (const step of workflow.steps) {
      if (step.action.effect !== 'destructive') continue;
      const conditions = [workflow.match?.ast, step.if?.ast].filter((ast) => ast !== undefined);
      const fields = eventFieldPaths(...conditions).filter((path) => !routingFields.has(path));
      if (fields.length > 1) continue;
      const [field] = fields;
      const common = { step: step.id, action: step.action.id };
      context.report({
        ...(field === undefined
          ? {
              messageId: 'noField',
              data: { ...common, types: typeList(workflow), source: workflow.workflow.spec.trigger.source },
            }
          : { messageId: 'oneField', data: { ...common, field: field === '' ? 'event' : `event.${field}` } }),
        path: [...step.path, 'action'],
        evidence: { eventFields: fields.map((path) => (path === '' ? 'event' : `event.${path}`)) },
      });
    }
  },
};
