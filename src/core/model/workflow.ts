import { z } from 'zod';
import { runOutcomes } from '../types.js';
import {
  actionId,
  actionParams,
  apiVersion,
  approverSubject,
  celExpression,
  duration,
  isoDate,
  ownerSubject,
  stepId,
  workflowName,
} from './common.js';

/** The workflow language of spec/workflow.md, v1. Unknown fields are errors everywhere. */

const metadata = z.strictObject({
  name: workflowName,
  owner: ownerSubject,
  description: z.string().min(1).describe('One or two sentences for people.'),
  reviewBy: isoDate.describe(
    'Date the workflow must be re-reviewed by; after it the workflow is review-overdue.',
  ),
  labels: z
    .record(z.string(), z.string())
    .optional()
    .describe('Labels; access rules and dashboards select by them.'),
});

const schedule = z.union([
  z.string().min(1).describe('A cron expression.'),
  z.strictObject({ every: duration }),
]);

const trigger = z.strictObject({
  source: z.string().min(1).describe('A source named in the config.'),
  types: z.array(z.string().min(1)).min(1).describe('Event types accepted from that source.'),
  match: celExpression.optional().describe('CEL boolean over `event`.'),
  dedupe: z
    .strictObject({ key: celExpression.describe('CEL over `event`.'), window: duration })
    .optional()
    .describe('One run per key per window.'),
  settle: duration.optional().describe('Wait before acting, then evaluate the guards again.'),
  schedule: schedule.optional().describe("Scan sources only: overrides the source's schedule."),
});

const check = z.strictObject({
  check: actionId.describe('A read action from the catalog.'),
  with: actionParams.optional(),
  expect: celExpression.describe('CEL boolean over `result` (and `event`).'),
  timeout: duration.optional().describe('Default 30s; a read that takes longer fails the check.'),
});

const exemption = z.strictObject({
  when: celExpression.describe('CEL boolean over `event`.'),
  reason: z.string().min(1),
  owner: ownerSubject,
  until: isoDate,
});

const window = z.strictObject({ max: z.int().min(1), per: duration });

const limits = z.strictObject({
  concurrency: z.int().min(1).optional().describe('Runs of this workflow at once.'),
  rate: window.optional().describe('Runs started per window.'),
  blastRadius: window.optional().describe('Distinct resources changed per window, across all runs.'),
  onExceeded: z.enum(['pause', 'skip']).default('pause'),
});

const approval = z.strictObject({
  when: celExpression.default('never').describe('`always`, `never`, or a CEL boolean over `event`.'),
  approvers: z.array(approverSubject).min(1),
  timeout: duration.optional(),
  onTimeout: z.enum(['abort', 'proceed']).default('abort'),
});

const retry = z.strictObject({
  attempts: z.int().min(1).describe('Total attempts, including the first.'),
  backoff: z.enum(['fixed', 'exponential']).default('exponential'),
  initial: duration.default('1s'),
  max: duration.optional().describe('Cap on the delay between attempts.'),
});

/** `rollback: none` alone is accepted so the reviewer can flag it; give a reason instead. */
const rollback = z.union([
  z.literal('none'),
  z.strictObject({ none: z.literal(true), reason: z.string().min(1) }),
  z.strictObject({ action: actionId, with: actionParams.optional() }),
]);

const step = z.strictObject({
  id: stepId,
  action: actionId,
  with: actionParams.optional(),
  if: celExpression.optional().describe('CEL over `event` and `steps.<id>.output`; false skips the step.'),
  timeout: duration.optional().describe('Default 30s.'),
  retry: retry.optional(),
  rollback: rollback
    .optional()
    .describe("Default: the action's catalog inverse. `{ action, with }`, or `{ none: true, reason }`."),
});

const verify = check.extend({ after: duration.optional().describe('Wait before checking.') });

const notify = z.strictObject({
  channel: z.string().min(1).describe('A channel named in the config.'),
  on: z.array(z.enum(runOutcomes)).min(1),
});

const spec = z.strictObject({
  mode: z.enum(['enforce', 'dry-run', 'shadow', 'disabled']).default('dry-run'),
  credentials: z.string().min(1).optional().describe('A credential named in the config.'),
  trigger,
  corroborate: z.array(check).optional(),
  exempt: z.array(exemption).optional(),
  limits: limits.optional(),
  approval: approval.optional(),
  steps: z.array(step).min(1),
  verify: verify.optional(),
  notify: z.array(notify).optional(),
  onFailure: z.enum(['compensate', 'halt']).default('compensate'),
});

export const workflowSchema = z
  .strictObject({
    apiVersion,
    kind: z.literal('Workflow'),
    metadata,
    spec,
  })
  .describe('A Rectify workflow (spec/workflow.md).');

export type Workflow = z.output<typeof workflowSchema>;
export type WorkflowInput = z.input<typeof workflowSchema>;
export type WorkflowStep = Workflow['spec']['steps'][number];
export type WorkflowCheck = NonNullable<Workflow['spec']['corroborate']>[number];
export type WorkflowVerify = NonNullable<Workflow['spec']['verify']>;
export type WorkflowRollback = NonNullable<WorkflowStep['rollback']>;
