import type { Rule } from '../../rule.js';

/** The `injection/` rules. */
export const injectionRules: readonly Rule[] = [];
