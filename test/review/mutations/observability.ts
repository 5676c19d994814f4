import { isMap, isScalar, isSeq } from 'yaml';
import type { Mutation } from './mutation.js';

/** Known flaws for the `observability/` rules. */
export const observabilityMutations: readonly Mutation[] = [
  {
    rule: 'observability/no-notify',
    name: 'drop notify',
    apply: ({ workflow }) => workflow.deleteIn(['spec', 'notify']),
  },
  {
    rule: 'observability/no-notify',
    name: 'stop notifying paused runs',
    apply: ({ workflow }) => {
      const notify = workflow.getIn(['spec', 'notify']);
      if (!isSeq(notify)) return false;
      let changed = false;
      for (const entry of [...notify.items]) {
        const on = isMap(entry) ? entry.get('on') : undefined;
        if (!isSeq(on)) continue;
        const index = on.items.findIndex((item) => isScalar(item) && item.value === 'paused');
        if (index === -1) continue;
        on.delete(index);
        changed = true;
        if (on.items.length === 0) notify.delete(notify.items.indexOf(entry));
      }
      if (notify.items.length === 0) workflow.deleteIn(['spec', 'notify']);
      return changed;
    },
  },
  {
    rule: 'observability/no-verify',
    name: 'drop verify',
    apply: ({ workflow }) => workflow.deleteIn(['spec', 'verify']),
  },
  {
    rule: 'observability/unknown-channel',
    name: 'misspell the first notify channel',
    apply: ({ workflow }) => {
      const channel = workflow.getIn(['spec', 'notify', 0, 'channel']);
      if (typeof channel !== 'string') return false;
      workflow.setIn(['spec', 'notify', 0, 'channel'], channel.slice(0, -1));
      return true;
    },
  },
  {
    rule: 'observability/unknown-channel',
    name: 'notify a channel the config does not define',
    apply: ({ workflow }) => {
      const notify = workflow.getIn(['spec', 'notify']);
      const entry = workflow.createNode({ channel: 'pagerduty-primary', on: ['failed'] });
      if (isSeq(notify)) notify.add(entry);
      else workflow.setIn(['spec', 'notify'], workflow.createNode([entry]));
      return true;
    },
  },
];
