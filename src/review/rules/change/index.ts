import type { Rule } from '../../rule.js';
import { enforceWithoutDryRunHistory } from './enforce-without-dry-run-history.js';
import { exemptionExpired } from './exemption-expired.js';
import { noRollback } from './no-rollback.js';
import { reviewHorizonTooLong } from './review-horizon-too-long.js';
import { reviewOverdue } from './review-overdue.js';

/** The `change/` rules. */
export const changeRules: readonly Rule[] = [
  noRollback,
  reviewOverdue,
  reviewHorizonTooLong,
  exemptionExpired,
  enforceWithoutDryRunHistory,
];
