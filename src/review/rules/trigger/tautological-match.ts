import { foldCondition } from '../../analysis/constant-fold.js';
import type { Rule } from '../../rule.js';
import { typeList, writeActions } from './shared.js';

/** Longest sub-expression quoted in a message. */
const maxQuoted = 100;

/**
 * `trigger/tautological-match`: a `match` that holds for every event its trigger admits (see
 * analysis/constant-fold.ts for what is known about such events).
 */
export const tautologicalMatch: Rule = {
  meta: {
    id: 'trigger/tautological-match',
    title: 'Match condition that cannot be false',
    severity: 'high',
    confidence: 'high',
    description:
      'A `match` that is true for every event its trigger admits filters nothing, yet reads like a restriction, so reviewers approve a reach the workflow does not have. It is usually a slip: `||` written for `&&` next to a constant, a condition the trigger already guarantees (`event.type` among its own types, `event.source` equal to its own source, `has(event.resource)` or `event.resource.id != ""`, which every event satisfies), or a field compared with itself. The rule folds constants over the CEL expression, evaluating the parts that read only what the trigger fixes for every possible event, and reports only a `match` that can never be false. High: the workflow writes on events its author meant to exclude.',
    remediation: {
      summary:
        'Write the condition the workflow was meant to have: pin the resources it acts on, and do not restate what `source` and `types` already guarantee.',
      before: [
        'trigger:',
        '  source: scanner',
        '  types: [sandbox.bucket.public]',
        '  match: event.type == "sandbox.bucket.public" || event.resource.bucket.startsWith("demo-")',
      ].join('\n'),
      after: [
        'trigger:',
        '  source: scanner',
        '  types: [sandbox.bucket.public]',
        '  match: event.resource.bucket.startsWith("demo-")',
      ].join('\n'),
    },
    references: ['spec/review.md', 'spec/workflow.md', 'https://cwe.mitre.org/data/definitions/571.html'],
    messages: {
      alwaysTrue:
        '`match` is true for every {{types}} event from {{source}} (`{{because}}` always holds), so it filters nothing and this workflow writes ({{actions}}) on all of them',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    if (!workflow.writes || !workflow.match) return;
    const { source, types } = workflow.workflow.spec.trigger;
    const folded = foldCondition(workflow.match.ast, {
      types: types.some((type) => type.includes('*')) ? undefined : types,
      source,
    });
    if (!folded.known || folded.value !== true) return;
    const because =
      folded.because.length > maxQuoted ? `${folded.because.slice(0, maxQuoted - 1)}…` : folded.because;
    context.report({
      messageId: 'alwaysTrue',
      data: { types: typeList(workflow), source, because, actions: writeActions(workflow) },
      path: ['spec', 'trigger', 'match'],
      evidence: { because: folded.because },
    });
  },
};
