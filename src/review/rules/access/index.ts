import type { Rule } from '../../rule.js';
import { approvalTimeoutProceeds } from './approval-timeout-proceeds.js';
import { approverCanAuthor } from './approver-can-author.js';
import { credentialOverScoped } from './credential-over-scoped.js';
import { credentialUnderScoped } from './credential-under-scoped.js';
import { noApprovalDestructive } from './no-approval-destructive.js';
import { wildcardPermission } from './wildcard-permission.js';

/** The `access/` rules. */
export const accessRules: readonly Rule[] = [
  credentialOverScoped,
  credentialUnderScoped,
  wildcardPermission,
  approverCanAuthor,
  noApprovalDestructive,
  approvalTimeoutProceeds,
];
