import { z } from 'zod';
import { severities } from '../types.js';

/** The event envelope every source delivers (spec/workflow.md, "Events"). */
export const eventResourceSchema = z
  .looseObject({
    id: z.string().min(1).describe('Stable id of the resource the event is about.'),
    kind: z.string().min(1).optional(),
    tags: z.record(z.string(), z.string()).optional(),
  })
  .describe('The resource; other fields (database, schema, bucket, ...) are kept.');

export const eventSchema = z.strictObject({
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  severity: z.enum(severities).default('medium'),
  resource: eventResourceSchema,
  data: z.record(z.string(), z.unknown()).default({}),
});

export type RectifyEvent = z.output<typeof eventSchema>;

/** A partial event as written in test cases; the test runner fills the rest. */
export const partialEventSchema = eventSchema.partial().extend({
  resource: eventResourceSchema.partial().optional(),
});
export type PartialEvent = z.output<typeof partialEventSchema>;
