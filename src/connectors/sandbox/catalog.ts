import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../../core/catalog/action.js';

/**
 * The `sandbox` connector: SIMULATED buckets, database roles and users held in memory, so that
 * examples, tests and the quickstart run with no external system. Nothing here touches a real one.
 */
const simulated = '[SIMULATED] ';

const bucketRef = z.strictObject({ bucket: z.string().min(1).describe('Bucket name.') });
const access = z.enum(['public', 'private']);
const bucketState = z.object({ bucket: z.string(), exists: z.boolean(), access });

const roleRef = z.strictObject({ database: z.string().min(1), role: z.string().min(1) });
const roleState = z.object({
  database: z.string(),
  role: z.string(),
  exists: z.boolean(),
  login: z.boolean(),
  superuser: z.boolean(),
});

const userRef = z.strictObject({
  system: z.string().min(1).describe('The simulated system, e.g. redis-main.'),
  user: z.string().min(1),
});
const userState = z.object({
  system: z.string(),
  user: z.string(),
  exists: z.boolean(),
  enabled: z.boolean(),
  hasPassword: z.boolean(),
});

export const sandboxActions: readonly ActionDefinition[] = [
  defineAction({
    id: 'sandbox.bucket.get',
    title: `${simulated}Read a bucket's access`,
    description: 'Reads whether a simulated bucket is public or private.',
    effect: 'read',
    idempotent: true,
    input: bucketRef,
    output: bucketState,
    sensitive: { bucket: 'identifier' },
    resource: ['bucket'],
    inverse: undefined,
    simulated: true,
  }),
  defineAction({
    id: 'sandbox.bucket.list',
    title: `${simulated}List buckets`,
    description: 'Lists the simulated buckets and their access (for scans).',
    effect: 'read',
    idempotent: true,
    input: z.strictObject({}),
    output: z.object({ items: z.array(bucketState) }),
    inverse: undefined,
    simulated: true,
  }),
  defineAction({
    id: 'sandbox.bucket.set-access',
    title: `${simulated}Set a bucket's access`,
    description: 'Makes a simulated bucket public or private.',
    effect: 'write',
    idempotent: true,
    input: bucketRef.extend({ access }),
    output: bucketState,
    sensitive: { bucket: 'identifier' },
    resource: ['bucket'],
    inverse: {
      action: 'sandbox.bucket.set-access',
      snapshot: { action: 'sandbox.bucket.get', with: { bucket: '${{ params.bucket }}' } },
      with: { bucket: '${{ params.bucket }}', access: '${{ snapshot.access }}' },
      // Undo only a change this action made.
      when: 'snapshot.access != params.access',
    },
    simulated: true,
  }),
  defineAction({
    id: 'sandbox.role.get',
    title: `${simulated}Read a database role`,
    description: 'Reads whether a simulated database role can log in and is a superuser.',
    effect: 'read',
    idempotent: true,
    input: roleRef,
    output: roleState,
    sensitive: { database: 'identifier', role: 'identifier' },
    resource: ['database', 'role'],
    inverse: undefined,
    simulated: true,
  }),
  defineAction({
    id: 'sandbox.role.set-login',
    title: `${simulated}Allow or forbid a role to log in`,
    description: 'Sets LOGIN or NOLOGIN on a simulated database role.',
    effect: 'write',
    idempotent: true,
    input: roleRef.extend({ login: z.boolean() }),
    output: roleState,
    sensitive: { database: 'identifier', role: 'identifier' },
    resource: ['database', 'role'],
    inverse: {
      action: 'sandbox.role.set-login',
      snapshot: {
        action: 'sandbox.role.get',
        with: { database: '${{ params.database }}', role: '${{ params.role }}' },
      },
      with: {
        database: '${{ params.database }}',
        role: '${{ params.role }}',
        login: '${{ snapshot.login }}',
      },
      // Undo only a change this action made.
      when: 'snapshot.login != params.login',
    },
    simulated: true,
  }),
  defineAction({
    id: 'sandbox.role.set-superuser',
    title: `${simulated}Grant or revoke superuser`,
    description:
      'Grants or revokes superuser on a simulated database role. Destructive: sessions relying on it break.',
    effect: 'destructive',
    idempotent: true,
    input: roleRef.extend({ superuser: z.boolean() }),
    output: roleState,
    sensitive: { database: 'identifier', role: 'identifier' },
    resource: ['database', 'role'],
    inverse: {
      action: 'sandbox.role.set-superuser',
      snapshot: {
        action: 'sandbox.role.get',
        with: { database: '${{ params.database }}', role: '${{ params.role }}' },
      },
      with: {
        database: '${{ params.database }}',
        role: '${{ params.role }}',
        superuser: '${{ snapshot.superuser }}',
      },
      // Undo only a change this action made.
      when: 'snapshot.superuser != params.superuser',
    },
    simulated: true,
  }),
  defineAction({
    id: 'sandbox.user.get',
    title: `${simulated}Read a user`,
    description: 'Reads whether a simulated user is enabled and has a password.',
    effect: 'read',
    idempotent: true,
    input: userRef,
    output: userState,
    sensitive: { system: 'identifier', user: 'identifier' },
    resource: ['system', 'user'],
    inverse: undefined,
    simulated: true,
  }),
  defineAction({
    id: 'sandbox.user.set-enabled',
    title: `${simulated}Enable or disable a user`,
    description: 'Enables or disables a simulated user.',
    effect: 'write',
    idempotent: true,
    input: userRef.extend({ enabled: z.boolean() }),
    output: userState,
    sensitive: { system: 'identifier', user: 'identifier' },
    resource: ['system', 'user'],
    inverse: {
      action: 'sandbox.user.set-enabled',
      snapshot: {
        action: 'sandbox.user.get',
        with: { system: '${{ params.system }}', user: '${{ params.user }}' },
      },
      with: {
        system: '${{ params.system }}',
        user: '${{ params.user }}',
        enabled: '${{ snapshot.enabled }}',
      },
      // Undo only a change this action made.
      when: 'snapshot.enabled != params.enabled',
    },
    simulated: true,
  }),
  defineAction({
    id: 'sandbox.user.rotate-password',
    title: `${simulated}Set a new random password`,
    description: 'Gives a simulated user a new random password. Not idempotent: each call sets another.',
    effect: 'write',
    idempotent: false,
    input: userRef,
    output: z.object({ system: z.string(), user: z.string(), rotated: z.literal(true) }),
    sensitive: { system: 'identifier', user: 'identifier' },
    resource: ['system', 'user'],
    inverse: { none: 'the previous password is not kept: restoring it would reopen the exposure' },
    simulated: true,
  }),
];
