import type { Rule } from '../../rule.js';

/** The `resilience/` rules. */
export const resilienceRules: readonly Rule[] = [];
