import type { Rule } from '../../rule.js';
import { expiredSuppression } from './expired-suppression.js';
import { invalidFile } from './invalid-file.js';
import { invalidSuppression } from './invalid-suppression.js';
import { noConfig } from './no-config.js';
import { ruleError } from './rule-error.js';
import { unusedSuppression } from './unused-suppression.js';

/**
 * The `review/` rules: findings about the review itself (suppressions, missing config, a rule
 * that failed). They have no checks of their own: the review reports them.
 */
export const reviewRules: readonly Rule[] = [
  invalidFile,
  unusedSuppression,
  expiredSuppression,
  invalidSuppression,
  noConfig,
  ruleError,
];
