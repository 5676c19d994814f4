import type { Rule } from '../../rule.js';
import { wildcardTypes } from './wildcard-types.js';

/** The `trigger/` rules. */
export const triggerRules: readonly Rule[] = [wildcardTypes];
