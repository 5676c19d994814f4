import type { Rule } from '../../rule.js';
import { limitExceededSkip } from './limit-exceeded-skip.js';
import { missingTests } from './missing-tests.js';
import { noLimits } from './no-limits.js';
import { noTimeoutOverride } from './no-timeout-override.js';
import { retryNonIdempotent } from './retry-non-idempotent.js';
import { unboundedRetry } from './unbounded-retry.js';

/** The `resilience/` rules. */
export const resilienceRules: readonly Rule[] = [
  noTimeoutOverride,
  unboundedRetry,
  retryNonIdempotent,
  noLimits,
  limitExceededSkip,
  missingTests,
];
