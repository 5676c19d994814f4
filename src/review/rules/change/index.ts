import type { Rule } from '../../rule.js';

/** The `change/` rules. */
export const changeRules: readonly Rule[] = [];
