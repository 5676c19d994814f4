import { isMap, isSeq } from 'yaml';
import { parseDate } from '../../../src/core/date.js';
import type { Mutation } from './mutation.js';
import { addStep, pickAction, stepsOf } from './resilience.js';

/** `date` moved by `days` (negative: earlier), as YYYY-MM-DD. */
function shift(date: string, days: number): string {
  const ms = parseDate(date);
  if (ms === undefined) throw new Error(`not a date: ${date}`);
  return new Date(ms + days * 86_400_000).toISOString().slice(0, 10);
}

/** Known flaws for the `change/` rules. `change/enforce-without-dry-run-history` needs history: none here. */
export const changeMutations: readonly Mutation[] = [
  {
    rule: 'change/no-rollback',
    name: 'bare `rollback: none` on the first write step',
    apply: ({ workflow }) => {
      const write = stepsOf(workflow).find(({ action }) => action.effect !== 'read');
      if (!write) return false;
      workflow.setIn(['spec', 'steps', write.index, 'rollback'], 'none');
      return true;
    },
  },
  {
    rule: 'change/no-rollback',
    name: 'add a step on a write action with no inverse, and no rollback',
    apply: ({ workflow }) => {
      const action = pickAction(
        workflow,
        (a) => a.effect !== 'read' && a.inverse !== undefined && 'none' in a.inverse,
      );
      if (!action || !addStep(workflow, 'cannot-undo', action)) return false;
      const steps = workflow.getIn(['spec', 'steps']);
      return isSeq(steps) && workflow.deleteIn(['spec', 'steps', steps.items.length - 1, 'rollback']);
    },
  },
  {
    rule: 'change/no-rollback',
    name: 'blank the reason of `rollback: { none: true, reason }`',
    apply: ({ workflow }) => {
      let changed = false;
      for (const { index } of stepsOf(workflow)) {
        const rollback = workflow.getIn(['spec', 'steps', index, 'rollback']);
        if (!isMap(rollback) || !rollback.has('reason')) continue;
        rollback.set('reason', ' ');
        changed = true;
      }
      return changed;
    },
  },
  {
    rule: 'change/review-overdue',
    name: 'reviewBy yesterday',
    apply: ({ workflow, today }) => {
      workflow.setIn(['metadata', 'reviewBy'], shift(today, -1));
      return true;
    },
  },
  {
    rule: 'change/review-overdue',
    name: 'reviewBy a year ago',
    apply: ({ workflow, today }) => {
      workflow.setIn(['metadata', 'reviewBy'], shift(today, -365));
      return true;
    },
  },
  {
    rule: 'change/review-horizon-too-long',
    name: 'reviewBy 181 days ahead',
    apply: ({ workflow, today }) => {
      workflow.setIn(['metadata', 'reviewBy'], shift(today, 181));
      return true;
    },
  },
  {
    rule: 'change/review-horizon-too-long',
    name: 'reviewBy three years ahead',
    apply: ({ workflow, today }) => {
      workflow.setIn(['metadata', 'reviewBy'], shift(today, 3 * 365));
      return true;
    },
  },
  {
    rule: 'change/exemption-expired',
    name: 'the first exemption ended yesterday',
    apply: ({ workflow, today }) => {
      if (!isMap(workflow.getIn(['spec', 'exempt', 0]))) return false;
      workflow.setIn(['spec', 'exempt', 0, 'until'], shift(today, -1));
      return true;
    },
  },
  {
    rule: 'change/exemption-expired',
    name: 'add an exemption that ended last month',
    apply: ({ workflow, today }) => {
      const exemption = workflow.createNode({
        when: 'event.resource.id == "legacy-exception"',
        reason: 'legacy system kept as is until its migration',
        owner: 'team:legacy',
        until: shift(today, -30),
      });
      const exempt = workflow.getIn(['spec', 'exempt']);
      if (isSeq(exempt)) exempt.add(exemption);
      else workflow.setIn(['spec', 'exempt'], workflow.createNode([exemption]));
      return true;
    },
  },
  {
    rule: 'change/exemption-expired',
    name: 'blank the reason of an exemption',
    apply: ({ workflow }) => {
      if (!isMap(workflow.getIn(['spec', 'exempt', 0]))) return false;
      workflow.setIn(['spec', 'exempt', 0, 'reason'], '   ');
      return true;
    },
  },
];
