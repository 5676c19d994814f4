import { isMap, isSeq } from 'yaml';
import type { Mutation } from './mutation.js';

/** Fake, well-formed secrets (never real ones). */
const githubToken = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
const slackWebhook = 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnop1234';
const bearer = 'Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0';

/** Known flaws for the `secrets/` rules. */
export const secretsMutations: readonly Mutation[] = [
  {
    rule: 'secrets/literal-secret',
    name: 'paste a GitHub token into the description',
    apply: ({ workflow }) => {
      const description = workflow.getIn(['metadata', 'description']);
      if (typeof description !== 'string') return false;
      workflow.setIn(['metadata', 'description'], `${description} Deploy token: ${githubToken}.`);
      return true;
    },
  },
  {
    rule: 'secrets/literal-secret',
    name: 'put a Slack webhook URL into a label',
    apply: ({ workflow }) => {
      const labels = workflow.getIn(['metadata', 'labels']);
      if (labels !== undefined && !isMap(labels)) return false;
      workflow.setIn(['metadata', 'labels', 'alerts'], slackWebhook);
      return true;
    },
  },
  {
    rule: 'secrets/literal-secret',
    name: 'compare an event field with a literal bearer token in the match',
    apply: ({ workflow }) => {
      const match = workflow.getIn(['spec', 'trigger', 'match']);
      if (typeof match !== 'string') return false;
      workflow.setIn(
        ['spec', 'trigger', 'match'],
        `(${match}) && event.data.authorization != ${JSON.stringify(bearer)}`,
      );
      return true;
    },
  },
  {
    rule: 'secrets/literal-secret',
    name: "give the config's first credential a numeric password",
    apply: ({ config }) => {
      const credentials = config.get('credentials');
      if (!isSeq(credentials) || credentials.items.length === 0) return false;
      const settings = config.getIn(['credentials', 0, 'with']);
      if (settings !== undefined && !isMap(settings)) return false;
      config.setIn(['credentials', 0, 'with', 'password'], 20261127);
      return true;
    },
  },
];
