import { isSeq } from 'yaml';
import type { Mutation } from './mutation.js';

/** Known flaws for the `trigger/` rules. */
export const triggerMutations: readonly Mutation[] = [
  {
    rule: 'trigger/wildcard-types',
    name: 'set types: ["*"]',
    apply: ({ workflow }) => {
      workflow.setIn(['spec', 'trigger', 'types'], workflow.createNode(['*']));
      return true;
    },
  },
  {
    rule: 'trigger/wildcard-types',
    name: 'add a "*" type beside the named ones',
    apply: ({ workflow }) => {
      const types = workflow.getIn(['spec', 'trigger', 'types']);
      if (!isSeq(types)) return false;
      types.add(workflow.createNode('*'));
      return true;
    },
  },
];
