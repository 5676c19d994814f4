import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../../core/catalog/action.js';
import { secretRef } from '../../core/model/common.js';

/**
 * The `redis` connector's catalog entries: ACL users and protected mode of a Redis server (6.0 or
 * later) reached through the step's credential. Implemented by redis-connector.ts. The credential
 * logs in as an ACL user of Rectify's own that may run ACL GETUSER/USERS/SETUSER (and CONFIG GET
 * to read protected mode); the connector refuses to turn off or re-key that user itself.
 */
const user = z.string().min(1).describe('ACL user name.');
const userRef = z.strictObject({ user });

const userFields = {
  user: z.string(),
  enabled: z.boolean().describe('true when the user is `on`.'),
  nopass: z.boolean().describe('true when any password is accepted (`nopass`).'),
  allCommands: z.boolean().describe('true when the user may run every command (`+@all`).'),
  passwordCount: z.int().min(0).describe('Number of passwords set.'),
};
const userState = z.object({ ...userFields, exists: z.boolean() });

const identifiers = { user: 'identifier' } as const;

export const redisActions: readonly ActionDefinition[] = [
  defineAction({
    id: 'redis.acl.user',
    title: 'Read an ACL user',
    description:
      'Reads whether an ACL user exists, is enabled, accepts any password and may run every command (ACL GETUSER).',
    effect: 'read',
    idempotent: true,
    input: userRef,
    output: userState,
    sensitive: identifiers,
    resource: ['user'],
    inverse: undefined,
  }),
  defineAction({
    id: 'redis.acl.list',
    title: 'List ACL users',
    description:
      'Lists every ACL user with the same fields as redis.acl.user, for scans (ACL USERS, then ACL GETUSER for each).',
    effect: 'read',
    idempotent: true,
    input: z.strictObject({}),
    output: z.object({ items: z.array(z.object(userFields)) }),
    inverse: undefined,
  }),
  defineAction({
    id: 'redis.config.protected-mode',
    title: 'Read protected mode',
    description: 'Reads whether protected mode is on (CONFIG GET protected-mode).',
    effect: 'read',
    idempotent: true,
    input: z.strictObject({}),
    output: z.object({ protectedMode: z.boolean() }),
    inverse: undefined,
  }),
  defineAction({
    id: 'redis.acl.set-enabled',
    title: 'Enable or disable an ACL user',
    description:
      'Runs ACL SETUSER <user> on|off. Open connections of the user stay open. Fails when the user does not exist rather than create it, as ACL SETUSER would.',
    effect: 'write',
    idempotent: true,
    input: userRef.extend({ enabled: z.boolean().describe('true: on; false: off.') }),
    output: userState,
    sensitive: identifiers,
    resource: ['user'],
    inverse: {
      action: 'redis.acl.set-enabled',
      snapshot: { action: 'redis.acl.user', with: { user: '${{ params.user }}' } },
      with: { user: '${{ params.user }}', enabled: '${{ snapshot.enabled }}' },
      // Undo only a change: a user that was already in the requested state stays as it is.
      when: 'snapshot.enabled != params.enabled',
    },
  }),
  defineAction({
    id: 'redis.acl.reset-password',
    title: "Replace an ACL user's passwords",
    description:
      "Runs ACL SETUSER <user> resetpass ><password>: every previous password (and nopass) is removed and the referenced secret becomes the only one. The reference (env:NAME or file:/path) is resolved in Rectify's process when the step runs, so store the new password where the user's clients read it first; it is never returned, logged or put in an error. Refused for the user the credential logs in as.",
    effect: 'write',
    idempotent: true,
    input: userRef.extend({
      password: secretRef.describe(
        'The new password as a secret reference, `env:NAME` or `file:/path`; never a literal.',
      ),
    }),
    output: userState,
    // `file:` reads a local file: event data must not choose which one.
    sensitive: { ...identifiers, password: 'path' },
    resource: ['user'],
    inverse: { none: 'the previous password is not kept: restoring it would reopen the exposure' },
  }),
];
