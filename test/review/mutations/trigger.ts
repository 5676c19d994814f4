import { isSeq, type Document } from 'yaml';
import { isWriteEffect } from '../../../src/core/catalog/action.js';
import { catalog } from '../harness.js';
import type { Mutation } from './mutation.js';

interface TriggerShape {
  source?: unknown;
  types?: unknown;
  match?: unknown;
  dedupe?: unknown;
}

/** The workflow's trigger and whether any step writes (by the catalog), from the document. */
function shape(workflow: Document): { trigger: TriggerShape; writes: boolean } {
  const value = workflow.toJS() as {
    spec?: { trigger?: TriggerShape; steps?: { action?: unknown }[] };
  };
  const steps = value.spec?.steps ?? [];
  const writes = steps.some((step) => {
    const action = typeof step.action === 'string' ? catalog.get(step.action) : undefined;
    return action !== undefined && isWriteEffect(action.effect);
  });
  return { trigger: value.spec?.trigger ?? {}, writes };
}

/** The trigger's types when all are named (no wildcard). */
function namedTypes(trigger: TriggerShape): string[] | undefined {
  const types = trigger.types;
  if (!Array.isArray(types) || types.length === 0) return undefined;
  const names = types.filter((type): type is string => typeof type === 'string' && !type.includes('*'));
  return names.length === types.length ? names : undefined;
}

/** The config's sources, as plain values. */
function sources(config: Document): { name?: unknown; type?: unknown; auth?: unknown }[] {
  const value = config.toJS() as { sources?: { name?: unknown; type?: unknown; auth?: unknown }[] };
  return value.sources ?? [];
}

/** Points the trigger at a new source added to the config. */
function moveToNewSource(workflow: Document, config: Document, source: Record<string, unknown>): boolean {
  if (!shape(workflow).writes) return false;
  const list = config.get('sources');
  if (!isSeq(list)) return false;
  list.add(config.createNode(source));
  workflow.setIn(['spec', 'trigger', 'source'], source.name);
  return true;
}

/** Replaces the steps with one destructive step (keeping the first step's id) and drops corroborate. */
function destructiveStep(workflow: Document): void {
  const firstId = workflow.getIn(['spec', 'steps', 0, 'id']);
  workflow.setIn(
    ['spec', 'steps'],
    workflow.createNode([
      {
        id: typeof firstId === 'string' ? firstId : 'drop-superuser',
        action: 'sandbox.role.set-superuser',
        with: { database: 'analytics', role: '${{ event.resource.id }}', superuser: false },
      },
    ]),
  );
  workflow.deleteIn(['spec', 'corroborate']);
}

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
  {
    rule: 'trigger/no-match-condition',
    name: 'drop the match',
    apply: ({ workflow }) => {
      const { trigger, writes } = shape(workflow);
      if (!writes || trigger.match === undefined) return false;
      workflow.deleteIn(['spec', 'trigger', 'match']);
      return true;
    },
  },
  {
    rule: 'trigger/single-signal-destructive',
    name: 'make the step destructive, decided by one event field, with no corroborate',
    apply: ({ workflow }) => {
      destructiveStep(workflow);
      workflow.setIn(['spec', 'trigger', 'match'], 'event.data.unexpected == true');
      return true;
    },
  },
  {
    rule: 'trigger/single-signal-destructive',
    name: 'make the step destructive, with neither match nor corroborate',
    apply: ({ workflow }) => {
      destructiveStep(workflow);
      workflow.deleteIn(['spec', 'trigger', 'match']);
      return true;
    },
  },
  {
    rule: 'trigger/unauthenticated-source',
    name: "drop the auth of the trigger's webhook or NATS source",
    apply: ({ workflow, config }) => {
      const { trigger, writes } = shape(workflow);
      const index = sources(config).findIndex((source) => source.name === trigger.source);
      const source = sources(config)[index];
      if (!writes || !source || source.type === 'schedule' || source.auth === undefined) return false;
      config.deleteIn(['sources', index, 'auth']);
      return true;
    },
  },
  {
    rule: 'trigger/unauthenticated-source',
    name: 'move the trigger to a new webhook source without auth',
    apply: ({ workflow, config }) =>
      moveToNewSource(workflow, config, { name: 'open-intake', type: 'webhook', format: 'generic' }),
  },
  {
    rule: 'trigger/unauthenticated-source',
    name: 'move the trigger to a NATS source that connects anonymously',
    apply: ({ workflow, config }) =>
      moveToNewSource(workflow, config, {
        name: 'anonymous-bus',
        type: 'nats',
        url: 'nats://nats.internal:4222',
        subject: 'findings.>',
        format: 'cloudevents',
      }),
  },
  {
    rule: 'trigger/no-dedupe',
    name: 'drop the dedupe',
    apply: ({ workflow }) => {
      const { trigger, writes } = shape(workflow);
      if (!writes || trigger.dedupe === undefined) return false;
      workflow.deleteIn(['spec', 'trigger', 'dedupe']);
      return true;
    },
  },
  {
    rule: 'trigger/unknown-source',
    name: "misspell the trigger's source",
    apply: ({ workflow, config }) => {
      const { trigger } = shape(workflow);
      if (typeof trigger.source !== 'string') return false;
      const misspelt = `${trigger.source}s`;
      if (sources(config).some((source) => source.name === misspelt)) return false;
      workflow.setIn(['spec', 'trigger', 'source'], misspelt);
      return true;
    },
  },
  {
    rule: 'trigger/unknown-source',
    name: "remove the trigger's source from the config",
    apply: ({ workflow, config }) => {
      const { trigger } = shape(workflow);
      const index = sources(config).findIndex((source) => source.name === trigger.source);
      if (index === -1) return false;
      config.deleteIn(['sources', index]);
      return true;
    },
  },
  {
    rule: 'trigger/tautological-match',
    name: 'append `|| true` to the match',
    apply: ({ workflow }) => {
      const { trigger, writes } = shape(workflow);
      if (!writes || typeof trigger.match !== 'string') return false;
      workflow.setIn(['spec', 'trigger', 'match'], `(${trigger.match}) || true`);
      return true;
    },
  },
  {
    rule: 'trigger/tautological-match',
    name: "match on the trigger's own types",
    apply: ({ workflow }) => {
      const { trigger, writes } = shape(workflow);
      const types = namedTypes(trigger);
      if (!writes || !types) return false;
      workflow.setIn(
        ['spec', 'trigger', 'match'],
        `event.type in [${types.map((type) => JSON.stringify(type)).join(', ')}]`,
      );
      return true;
    },
  },
  {
    rule: 'trigger/tautological-match',
    name: "`||` for `&&`: the trigger's own source or the real condition",
    apply: ({ workflow }) => {
      const { trigger, writes } = shape(workflow);
      if (!writes || typeof trigger.source !== 'string' || typeof trigger.match !== 'string') return false;
      workflow.setIn(
        ['spec', 'trigger', 'match'],
        `event.source == ${JSON.stringify(trigger.source)} || (${trigger.match})`,
      );
      return true;
    },
  },
  {
    rule: 'trigger/tautological-match',
    name: 'compare the resource id with itself, beside fields every event has',
    apply: ({ workflow }) => {
      if (!shape(workflow).writes) return false;
      workflow.setIn(
        ['spec', 'trigger', 'match'],
        'event.resource.id == event.resource.id && has(event.data) && event.id != ""',
      );
      return true;
    },
  },
];
