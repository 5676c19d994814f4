import type { ActionCatalog } from '../catalog/catalog.js';
import type { WorkflowTest } from '../model/workflow-test.js';
import type { DiagnosticCollector } from './collector.js';

/** Checks a schema-valid test file against the catalog: simulated state only for read actions. */
export function checkWorkflowTest(
  collector: DiagnosticCollector,
  test: WorkflowTest,
  catalog: ActionCatalog,
): void {
  test.cases.forEach((testCase, index) => {
    for (const actionId of Object.keys(testCase.state ?? {})) {
      const action = catalog.get(actionId);
      const path = ['cases', index, 'state', actionId];
      if (!action) {
        const suggestion = catalog.suggest(actionId);
        collector.add(
          path,
          'unknown-action',
          `unknown action \`${actionId}\``,
          suggestion ? `did you mean \`${suggestion}\`?` : 'run `rectify actions` to list the catalog',
          'key',
        );
      } else if (action.effect !== 'read') {
        collector.add(
          path,
          'check-not-read',
          `\`${actionId}\` is not a read action: state simulates what reads return`,
          'give state for the read actions the workflow checks',
          'key',
        );
      }
    }
    for (const [actionIndex, actionId] of (testCase.expect.actions ?? []).entries()) {
      if (!catalog.has(actionId)) {
        const suggestion = catalog.suggest(actionId);
        collector.add(
          ['cases', index, 'expect', 'actions', actionIndex],
          'unknown-action',
          `unknown action \`${actionId}\``,
          suggestion ? `did you mean \`${suggestion}\`?` : undefined,
        );
      }
    }
  });
}
