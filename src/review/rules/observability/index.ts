import type { Rule } from '../../rule.js';

/** The `observability/` rules. */
export const observabilityRules: readonly Rule[] = [];
