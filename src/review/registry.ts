import { accessRules } from './rules/access/index.js';
import { changeRules } from './rules/change/index.js';
import { injectionRules } from './rules/injection/index.js';
import { observabilityRules } from './rules/observability/index.js';
import { resilienceRules } from './rules/resilience/index.js';
import { secretsRules } from './rules/secrets/index.js';
import { triggerRules } from './rules/trigger/index.js';
import { reviewRules } from './rules/review/index.js';
import type { Rule } from './rule.js';

/** Every rule of the review, by category. A meta-test checks each has docs and fixtures. */
export const allRules: readonly Rule[] = [
  ...triggerRules,
  ...accessRules,
  ...observabilityRules,
  ...resilienceRules,
  ...changeRules,
  ...injectionRules,
  ...secretsRules,
  ...reviewRules,
];

const byId = new Map<string, Rule>();
for (const rule of allRules) {
  for (const id of [rule.meta.id, ...(rule.meta.aliases ?? [])]) {
    if (byId.has(id)) throw new Error(`rule id ${id} is registered twice`);
    byId.set(id, rule);
  }
}

/** A rule by its id or one of its aliases. */
export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}
