import { isMap, isSeq, type Document } from 'yaml';
import type { ActionDefinition } from '../../../src/core/catalog/action.js';
import { catalog } from '../harness.js';
import type { Mutation } from './mutation.js';
import { sampleParams } from './sample-params.js';

/**
 * Helpers shared with the `change/` mutations. Actions are picked by what the catalog says of
 * them (slow, idempotent, destructive, inverse), never by name: the workflow's own connector
 * first, so the flaw looks like one an author could write, else any connector.
 */
export function pickAction(
  workflow: Document,
  wanted: (action: ActionDefinition) => boolean,
): ActionDefinition | undefined {
  const first = workflow.getIn(['spec', 'steps', 0, 'action']);
  const connector = typeof first === 'string' ? first.split('.')[0] : undefined;
  const candidates = catalog.list().filter(wanted);
  return candidates.find((action) => action.connector === connector) ?? candidates[0];
}

/** Appends a step on `action`; the step says why it has no rollback when the action has no inverse. */
export function addStep(
  workflow: Document,
  id: string,
  action: ActionDefinition,
  extra: object = {},
): boolean {
  const steps = workflow.getIn(['spec', 'steps']);
  if (!isSeq(steps)) return false;
  const noInverse = action.inverse !== undefined && 'none' in action.inverse;
  steps.add(
    workflow.createNode({
      id,
      action: action.id,
      with: sampleParams(action),
      timeout: '10s',
      ...(noInverse ? { rollback: { none: true, reason: 'added by a mutation test' } } : {}),
      ...extra,
    }),
  );
  return true;
}

/** Each step of the workflow with its catalog entry. */
export function stepsOf(workflow: Document): { index: number; action: ActionDefinition }[] {
  const steps = workflow.getIn(['spec', 'steps']);
  if (!isSeq(steps)) return [];
  return steps.items.flatMap((step, index) => {
    const id = isMap(step) ? step.get('action') : undefined;
    const action = typeof id === 'string' ? catalog.get(id) : undefined;
    return action ? [{ index, action }] : [];
  });
}

const writes = (workflow: Document): boolean =>
  stepsOf(workflow).some(({ action }) => action.effect !== 'read');

/** Known flaws for the `resilience/` rules. */
export const resilienceMutations: readonly Mutation[] = [
  {
    rule: 'resilience/no-timeout-override',
    name: 'drop the timeout of a step on a slow action',
    apply: ({ workflow }) => {
      let changed = false;
      for (const { index, action } of stepsOf(workflow)) {
        if (action.slow && workflow.deleteIn(['spec', 'steps', index, 'timeout'])) changed = true;
      }
      return changed;
    },
  },
  {
    rule: 'resilience/no-timeout-override',
    name: 'add a corroborate check on a slow read action, without timeout',
    apply: ({ workflow }) => {
      const action = pickAction(workflow, (a) => a.effect === 'read' && a.slow);
      if (!action) return false;
      const check = workflow.createNode({ check: action.id, with: sampleParams(action), expect: 'true' });
      const corroborate = workflow.getIn(['spec', 'corroborate']);
      if (isSeq(corroborate)) corroborate.add(check);
      else workflow.setIn(['spec', 'corroborate'], workflow.createNode([check]));
      return true;
    },
  },
  {
    rule: 'resilience/unbounded-retry',
    name: 'retry the first step 25 times',
    apply: ({ workflow }) => {
      if (!isMap(workflow.getIn(['spec', 'steps', 0]))) return false;
      workflow.setIn(
        ['spec', 'steps', 0, 'retry'],
        workflow.createNode({ attempts: 25, backoff: 'fixed', initial: '1s' }),
      );
      return true;
    },
  },
  {
    rule: 'resilience/unbounded-retry',
    name: 'drop `max` from an exponential retry',
    apply: ({ workflow }) => {
      let changed = false;
      for (const { index } of stepsOf(workflow)) {
        const retry = workflow.getIn(['spec', 'steps', index, 'retry']);
        if (!isMap(retry) || retry.get('backoff') === 'fixed') continue;
        const attempts = retry.get('attempts');
        if (typeof attempts !== 'number' || attempts < 3) continue;
        if (retry.delete('max')) changed = true;
      }
      return changed;
    },
  },
  {
    rule: 'resilience/unbounded-retry',
    name: 'add a retry with the default (exponential) backoff and no `max`',
    apply: ({ workflow }) => {
      let changed = false;
      for (const { index } of stepsOf(workflow)) {
        if (workflow.hasIn(['spec', 'steps', index, 'retry'])) continue;
        workflow.setIn(['spec', 'steps', index, 'retry'], workflow.createNode({ attempts: 4 }));
        changed = true;
      }
      return changed;
    },
  },
  {
    rule: 'resilience/retry-non-idempotent',
    name: 'add a retried step on an action that is not idempotent',
    apply: ({ workflow }) => {
      const action = pickAction(workflow, (a) => a.effect !== 'read' && !a.idempotent);
      return action
        ? addStep(workflow, 'retried-once-more', action, {
            retry: { attempts: 3, backoff: 'exponential', initial: '1s', max: '5s' },
          })
        : false;
    },
  },
  {
    rule: 'resilience/retry-non-idempotent',
    name: 'retry a step whose action is not idempotent',
    apply: ({ workflow }) => {
      const steps = stepsOf(workflow).filter(({ action }) => !action.idempotent);
      for (const { index } of steps)
        workflow.setIn(
          ['spec', 'steps', index, 'retry'],
          workflow.createNode({ attempts: 2, backoff: 'fixed' }),
        );
      return steps.length > 0;
    },
  },
  {
    rule: 'resilience/no-limits',
    name: 'drop limits',
    apply: ({ workflow }) => writes(workflow) && workflow.deleteIn(['spec', 'limits']),
  },
  {
    rule: 'resilience/no-limits',
    name: 'drop the rate limit',
    apply: ({ workflow }) => writes(workflow) && workflow.deleteIn(['spec', 'limits', 'rate']),
  },
  {
    rule: 'resilience/no-limits',
    name: 'drop the blast-radius limit',
    apply: ({ workflow }) => writes(workflow) && workflow.deleteIn(['spec', 'limits', 'blastRadius']),
  },
  {
    rule: 'resilience/limit-exceeded-skip',
    name: 'skip past the limits of a workflow given a destructive step',
    apply: ({ workflow }) => {
      const action = pickAction(workflow, (a) => a.effect === 'destructive');
      if (!action || !addStep(workflow, 'destroy-extra', action)) return false;
      workflow.setIn(['spec', 'limits', 'onExceeded'], 'skip');
      return true;
    },
  },
  {
    rule: 'resilience/limit-exceeded-skip',
    name: 'skip past the limits of a destructive workflow',
    apply: ({ workflow }) => {
      if (!stepsOf(workflow).some(({ action }) => action.effect === 'destructive')) return false;
      workflow.setIn(['spec', 'limits', 'onExceeded'], 'skip');
      return true;
    },
  },
  {
    rule: 'resilience/missing-tests',
    name: 'the test file names another workflow',
    apply: ({ workflow, tests }) => {
      if (!tests || !writes(workflow)) return false;
      tests.set('workflow', 'some-other-workflow');
      return true;
    },
  },
  {
    rule: 'resilience/missing-tests',
    name: 'keep only the test cases that list actions',
    apply: ({ workflow, tests }) => {
      const cases = tests?.get('cases');
      if (!isSeq(cases) || !writes(workflow)) return false;
      const acting = cases.items.filter((item) => {
        const actions = isMap(item) ? item.getIn(['expect', 'actions']) : undefined;
        return isSeq(actions) && actions.items.length > 0;
      });
      if (acting.length === 0 || acting.length === cases.items.length) return false;
      cases.items = acting;
      return true;
    },
  },
];
