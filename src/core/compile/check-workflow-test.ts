import type { z } from 'zod';
import type { ActionDefinition } from '../catalog/action.js';
import type { ActionCatalog } from '../catalog/catalog.js';
import { didYouMean } from '../did-you-mean.js';
import { allowedKeysAt } from '../loader/schema-keys.js';
import { schemaIssuesToDiagnostics } from '../loader/schema-issues.js';
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
        collector.unknownAction(path, actionId, catalog, 'key');
      } else if (action.effect !== 'read') {
        collector.add(
          path,
          'check-not-read',
          `\`${actionId}\` is not a read action: state simulates what reads return`,
          'give state for the read actions the workflow checks',
          'key',
        );
      } else {
        checkSimulatedState(collector, action, testCase.state?.[actionId], path);
      }
    }
    for (const [actionIndex, actionId] of (testCase.expect.actions ?? []).entries()) {
      if (!catalog.has(actionId)) {
        collector.unknownAction(['cases', index, 'expect', 'actions', actionIndex], actionId, catalog);
      }
    }
  });
}

/**
 * Simulated state must look like what the read action returns: known fields of the right types.
 * Fields may be left out (a test states only what the workflow reads).
 */
function checkSimulatedState(
  collector: DiagnosticCollector,
  action: ActionDefinition,
  state: unknown,
  path: (string | number)[],
): void {
  const fields = allowedKeysAt(action.output, []);
  if (fields.length === 0 || state === null || typeof state !== 'object' || Array.isArray(state)) return;
  for (const key of Object.keys(state)) {
    if (!fields.includes(key)) {
      const suggestion = didYouMean(key, fields);
      collector.add(
        [...path, key],
        'unknown-field',
        `\`${action.id}\` returns no field \`${key}\``,
        suggestion ? `did you mean \`${suggestion}\`?` : `it returns: ${fields.join(', ')}`,
        'key',
      );
    }
  }
  const partial = (action.output as unknown as { partial?: () => z.ZodType }).partial?.();
  const result = partial?.safeParse(state);
  if (partial && result && !result.success) {
    collector.push(
      ...schemaIssuesToDiagnostics(
        collector.source,
        partial,
        result.error.issues.filter((issue) => issue.code !== 'unrecognized_keys'),
        path,
      ),
    );
  }
}
