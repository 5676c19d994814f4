import { z } from 'zod';
import { runOutcomes } from '../types.js';
import { actionId, apiVersion, workflowName } from './common.js';
import { partialEventSchema } from './event.js';

/** `<name>.test.yaml`: cases that `rectify test` runs against simulated connectors. */
const testCase = z.strictObject({
  name: z.string().min(1),
  event: partialEventSchema.describe('The event; id, source, time and severity are filled in when absent.'),
  state: z
    .record(actionId, z.unknown())
    .optional()
    .describe('What simulated read actions return, by action id.'),
  approval: z
    .enum(['approve', 'reject', 'timeout'])
    .optional()
    .describe('How a simulated approver answers, when the run asks for approval.'),
  expect: z.strictObject({
    outcome: z.enum(runOutcomes),
    actions: z.array(actionId).optional().describe('Write actions performed, in order.'),
  }),
});

export const workflowTestSchema = z
  .strictObject({
    apiVersion,
    kind: z.literal('WorkflowTest'),
    workflow: workflowName,
    cases: z.array(testCase).min(1),
  })
  .describe('Test cases for one workflow (spec/workflow.md, "Tests").');

export type WorkflowTest = z.output<typeof workflowTestSchema>;
export type WorkflowTestCase = WorkflowTest['cases'][number];
