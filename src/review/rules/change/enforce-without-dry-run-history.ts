import type { Rule } from '../../rule.js';

/**
 * `change/enforce-without-dry-run-history`: a version proposed in `enforce` when no earlier
 * version of the workflow ran in `dry-run` or `shadow` (a new workflow has no earlier version at
 * all). Needs the version history, which only the server knows: the CLI does not run it.
 */
export const enforceWithoutDryRunHistory: Rule = {
  meta: {
    id: 'change/enforce-without-dry-run-history',
    title: 'Enforce without a dry-run first',
    // High: the first real event is then also the first time anyone sees what the workflow does
    // to live systems. High confidence: the modes of the versions are recorded facts.
    severity: 'high',
    confidence: 'high',
    description:
      "Tests run against simulated state; only live events show how often a workflow would fire and on what. A workflow should first run in `dry-run` (it records what it would have done) or in `shadow` (beside the enforcing version, recording where the two differ) so its owner can read those records before it acts. This rule runs where the version history is known: the server's review of a proposed version.",
    remediation: {
      summary:
        'Propose the workflow in `dry-run` (or `shadow`) first, read what it would have done, then enforce.',
      before: 'spec:\n  mode: enforce   # first version of the workflow',
      after: 'spec:\n  mode: dry-run   # enforce in a later version, once its dry-runs look right',
    },
    references: ['spec/review.md', 'spec/workflow.md#specmode'],
    needsHistory: true,
    messages: {
      noVersions:
        '`{{workflow}}` is proposed in `enforce` with no earlier version: propose it in `dry-run` first',
      noDryRun:
        '`{{workflow}}` is proposed in `enforce`, but no earlier version ran in `dry-run` or `shadow` ({{versions}}, in {{modes}})',
    },
  },
  checkWorkflow(context) {
    const { workflow, history } = context;
    if (workflow.mode !== 'enforce' || history === undefined) return;
    if (history.some((version) => version.mode === 'dry-run' || version.mode === 'shadow')) return;
    context.report({
      messageId: history.length === 0 ? 'noVersions' : 'noDryRun',
      data: {
        workflow: workflow.name,
        versions: history.length === 1 ? '1 earlier version' : `${history.length} earlier versions`,
        modes: [...new Set(history.map((version) => version.mode))].join(', '),
      },
      path: ['spec', 'mode'],
    });
  },
};
