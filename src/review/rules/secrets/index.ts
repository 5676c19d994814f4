import type { Rule } from '../../rule.js';

/** The `secrets/` rules. */
export const secretsRules: readonly Rule[] = [];
