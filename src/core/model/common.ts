import { z } from 'zod';
import { datePattern, parseDate } from '../date.js';
import { durationPattern, parseDuration } from '../duration.js';

/**
 * Building blocks shared by the workflow, test and config schemas.
 *
 * Each pattern-checked string carries a stable diagnostic code in its error params so the loader
 * can report `invalid-duration` rather than a generic "invalid format".
 */

/** Pattern source -> the diagnostic code and hint the loader reports when it does not match. */
export const patternCodes = new Map<string, { code: string; hint: string }>();

function patterned(pattern: RegExp, code: string, message: string, hint: string) {
  patternCodes.set(pattern.toString(), { code, hint });
  return z.string().regex(pattern, { error: message });
}

export const apiVersion = z.literal('rectify.dev/v1').describe('Always `rectify.dev/v1`.');

export const kebabName = patterned(
  /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
  'invalid-name',
  'must be kebab-case: lower-case letters and digits separated by single hyphens',
  'use a name like `pg-revoke-public-create`',
);

export const workflowName = kebabName
  .min(3)
  .max(63)
  .describe('Unique workflow id: kebab-case, 3..63 characters.');

export const stepId = kebabName.max(63).describe('Unique step id in the workflow, kebab-case.');

export const duration = patterned(
  durationPattern,
  'invalid-duration',
  'must be a duration such as 500ms, 30s, 5m, 1h or 7d',
  'write a whole number followed by ms, s, m, h or d',
)
  // A number too large to count in milliseconds would otherwise become no limit at all.
  .refine((text) => !durationPattern.test(text) || parseDuration(text) !== undefined, {
    error: 'is too long to be counted',
    params: {
      code: 'invalid-duration',
      hint: 'use a shorter duration, in a larger unit (7d rather than 168h)',
    },
  })
  .describe('A duration: `500ms`, `30s`, `5m`, `1h`, `7d`.');

export const isoDate = patterned(
  datePattern,
  'invalid-date',
  'must be a date written YYYY-MM-DD',
  'quote nothing, just write the date, e.g. 2027-03-01',
)
  // Only a well-formed date can be a wrong calendar day: one problem, reported once.
  .refine((text) => !datePattern.test(text) || parseDate(text) !== undefined, {
    error: 'is not a real calendar date',
    params: { code: 'invalid-date', hint: 'check the month and the day of the month' },
  })
  .describe('A calendar date, `YYYY-MM-DD`.');

export const ownerSubject = patterned(
  /^(team|user):[A-Za-z0-9][A-Za-z0-9._@-]*$/,
  'invalid-owner',
  'must be `team:<name>` or `user:<name>`',
  'name who answers for it, e.g. team:data-platform',
).describe('Who answers for it: `team:<name>` or `user:<name>`.');

export const approverSubject = patterned(
  /^(role|user):[A-Za-z0-9][A-Za-z0-9._@-]*$/,
  'invalid-approver',
  'must be `role:<name>` or `user:<name>`',
  'name a role from the config (role:dba-oncall) or a person (user:alice)',
).describe('`role:<name>` or `user:<name>`.');

export const bindingSubject = patterned(
  /^(user|team|service):[A-Za-z0-9][A-Za-z0-9._@-]*$/,
  'invalid-subject',
  'must be `user:<name>`, `team:<name>` or `service:<name>`',
  'write a subject such as user:alice, team:secops or service:ci',
).describe('`user:<name>`, `team:<name>` or `service:<name>`.');

export const actionId = patterned(
  /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){2}$/,
  'invalid-action-id',
  'must be `<connector>.<resource>.<verb>`',
  'pick an action from the catalog, e.g. postgres.schema.revoke (see `rectify actions`)',
).describe('An action id from the catalog: `<connector>.<resource>.<verb>`.');

/** A reference to a secret: `env:NAME` or `file:/path`. Secrets never appear literally. */
export const secretRef = patterned(
  /^(env:[A-Za-z_][A-Za-z0-9_]*|file:\S+)$/,
  'literal-secret',
  'must be a secret reference, `env:NAME` or `file:/path`, never the secret itself',
  'put the secret in an environment variable or a file and write env:NAME or file:/path here',
).describe('A secret reference: `env:NAME` or `file:/path`.');

/** A CEL expression; checked by the compiler, not by the schema. */
export const celExpression = z.string().min(1).describe('A CEL expression (https://cel.dev).');

/** Action parameters: values may be `${{ <CEL> }}` templates, validated against the action's input schema. */
export const actionParams = z
  .record(z.string(), z.unknown())
  .describe('Parameters, validated against the action input schema; values may be `${{ <CEL> }}` templates.');
