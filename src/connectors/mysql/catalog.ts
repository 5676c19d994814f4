import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../../core/catalog/action.js';

/**
 * The `mysql` connector's catalog entries: accounts (`'user'@'host'`) and their global privileges
 * (`ON *.*`) on a MySQL (5.7, 8) or MariaDB (10.4+) server reached through the step's credential.
 * Implemented by mysql-connector.ts. The credential needs SELECT on mysql.user (MySQL) or
 * mysql.global_priv (MariaDB) to read, CREATE USER to lock, and GRANT OPTION plus the privilege
 * to grant or revoke it.
 */
const user = z.string().min(1).describe('Account user name.');
const host = z.string().min(1).describe("Account host part, e.g. '%', 'localhost' or '10.0.%'.");

/** Common static global privileges; dynamic privileges (e.g. SYSTEM_VARIABLES_ADMIN) are read but not acted on. */
/** The global privileges the grant and revoke actions accept (keywords: never bound, only chosen). */
export const grantablePrivileges = [
  'ALL PRIVILEGES',
  'SUPER',
  'FILE',
  'PROCESS',
  'RELOAD',
  'SHUTDOWN',
  'CREATE USER',
  'GRANT OPTION',
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
] as const;

const globalPrivilege = z.enum(grantablePrivileges).describe('A global privilege (ON *.*).');

const accountRef = z.strictObject({ user, host });
const accountFields = {
  user: z.string(),
  host: z.string(),
  hasPassword: z.boolean().describe('false when the account authenticates with an empty password.'),
  locked: z.boolean(),
  openToAnyHost: z
    .boolean()
    .describe("true when host is '%': the account accepts connections from anywhere."),
};
const accountState = z.object({ ...accountFields, exists: z.boolean() });
const privilegesState = z.object({
  user: z.string(),
  host: z.string(),
  exists: z.boolean(),
  privileges: z
    .array(z.string())
    .describe('Global privileges held, as SHOW GRANTS names them, e.g. ["SELECT", "FILE"].'),
});

const identifiers = { user: 'identifier', host: 'identifier' } as const;
const account = { user: '${{ params.user }}', host: '${{ params.host }}' };
const accountSnapshot = { action: 'mysql.account.get', with: account };
const heldBefore =
  'params.privilege in snapshot.privileges || (params.privilege != "GRANT OPTION" && "ALL PRIVILEGES" in snapshot.privileges)';
const privilegesSnapshot = { action: 'mysql.privileges.get', with: account };

export const mysqlActions: readonly ActionDefinition[] = [
  defineAction({
    id: 'mysql.account.get',
    title: 'Read an account',
    description:
      'Reads whether an account exists, has a password and is locked (mysql.global_priv on MariaDB, mysql.user on MySQL).',
    effect: 'read',
    idempotent: true,
    input: accountRef,
    output: accountState,
    sensitive: identifiers,
    resource: ['user', 'host'],
    inverse: undefined,
  }),
  defineAction({
    id: 'mysql.account.list',
    title: 'List accounts',
    description:
      "Lists every account with its password and lock status, flagging those open to any host ('%'), for scans.",
    effect: 'read',
    idempotent: true,
    input: z.strictObject({
      exposedOnly: z
        .boolean()
        .optional()
        .describe("true: only accounts with no password or open to any host ('%'); default every account."),
    }),
    output: z.object({ items: z.array(z.object(accountFields)) }),
    inverse: undefined,
  }),
  defineAction({
    id: 'mysql.privileges.get',
    title: "Read an account's global privileges",
    description: "Reads the global privileges (ON *.*) of an account, from SHOW GRANTS FOR 'user'@'host'.",
    effect: 'read',
    idempotent: true,
    input: accountRef,
    output: privilegesState,
    sensitive: identifiers,
    resource: ['user', 'host'],
    inverse: undefined,
  }),
  defineAction({
    id: 'mysql.account.lock',
    title: 'Lock an account',
    description:
      "Runs ALTER USER 'user'@'host' ACCOUNT LOCK: new logins are refused; open connections stay open. Undo unlocks it.",
    effect: 'write',
    idempotent: true,
    input: accountRef,
    output: accountState,
    sensitive: identifiers,
    resource: ['user', 'host'],
    // Unlock only an account this lock locked.
    inverse: {
      action: 'mysql.account.unlock',
      snapshot: accountSnapshot,
      with: account,
      when: '!snapshot.locked',
    },
  }),
  defineAction({
    id: 'mysql.account.unlock',
    title: 'Unlock an account',
    description: "Runs ALTER USER 'user'@'host' ACCOUNT UNLOCK. Undo locks it again.",
    effect: 'write',
    idempotent: true,
    input: accountRef,
    output: accountState,
    sensitive: identifiers,
    resource: ['user', 'host'],
    // Lock again only an account this unlock unlocked.
    inverse: {
      action: 'mysql.account.lock',
      snapshot: accountSnapshot,
      with: account,
      when: 'snapshot.locked',
    },
  }),
  defineAction({
    id: 'mysql.privilege.revoke',
    title: 'Revoke a global privilege',
    description:
      "Runs REVOKE <privilege> ON *.* FROM 'user'@'host'. Destructive: clients relying on it fail. Undo grants the same privilege back. Revoking ALL PRIVILEGES from an account holding only some of them fails: revoke those one by one, so that the undo never grants more than was held.",
    effect: 'destructive',
    idempotent: true,
    input: accountRef.extend({ privilege: globalPrivilege }),
    output: privilegesState,
    sensitive: identifiers,
    resource: ['user', 'host'],
    inverse: {
      action: 'mysql.privilege.grant',
      snapshot: privilegesSnapshot,
      with: { ...account, privilege: '${{ params.privilege }}' },
      // Grant back only what was held: named, or as part of ALL PRIVILEGES (which excludes GRANT
      // OPTION). Revoking ALL PRIVILEGES from an account holding only some fails, so its undo
      // never grants more than was held.
      when: heldBefore,
    },
  }),
  defineAction({
    id: 'mysql.privilege.grant',
    title: 'Grant a global privilege',
    description:
      "Runs GRANT <privilege> ON *.* TO 'user'@'host' (GRANT OPTION as WITH GRANT OPTION). Undo revokes it again.",
    effect: 'write',
    idempotent: true,
    input: accountRef.extend({ privilege: globalPrivilege }),
    output: privilegesState,
    sensitive: identifiers,
    resource: ['user', 'host'],
    inverse: {
      action: 'mysql.privilege.revoke',
      snapshot: privilegesSnapshot,
      with: { ...account, privilege: '${{ params.privilege }}' },
      // Revoke again only what the grant added.
      when: `!(${heldBefore})`,
    },
  }),
];
