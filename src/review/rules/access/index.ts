import type { Rule } from '../../rule.js';

/** The `access/` rules. */
export const accessRules: readonly Rule[] = [];
