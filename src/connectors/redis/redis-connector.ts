import type { ActionHandler, Connector } from '../../core/catalog/connector.js';
import { ActionFailure } from '../../core/errors.js';
import { aclUserState, type AclUserState } from './acl-user.js';
import { RedisClients, type RedisSession } from './redis-clients.js';
import { resolveSecretReference } from './secret-reference.js';

async function readUser(session: RedisSession, user: string): Promise<AclUserState> {
  // Every argument is its own argv item: a user name is never parsed as a rule.
  return aclUserState(user, await session.client.call('ACL', 'GETUSER', user));
}

async function existing(session: RedisSession, user: string): Promise<AclUserState> {
  const state = await readUser(session, user);
  // ACL SETUSER creates a missing user: check first, so a write never creates one. (A user
  // deleted between the two calls would be recreated off, or on with no password and no
  // command: harmless either way.)
  if (!state.exists)
    throw new ActionFailure(
      `redis: ACL user "${user}" does not exist; check the name (redis.acl.list shows every user)`,
      'non-retryable',
    );
  return state;
}

function notSelf(session: RedisSession, user: string, change: string): void {
  // Turning off (or re-keying) the user the remediator logs in as would lock it out of its own
  // undo: refuse, and say which credential to use instead.
  if (session.target.user === user)
    throw new ActionFailure(
      `redis: refusing to ${change} ACL user "${user}": the credential logs in as it; give Rectify its own ACL user`,
      'non-retryable',
    );
}

/**
 * The `redis` connector: ACL users and protected mode of a Redis 6+ server, through the step's
 * credential (`with: { url: redis://user:pw@host:6379 }`; connect as an ACL user of Rectify's
 * own, never `default`). One client per credential.
 *
 * `redis.acl.reset-password` takes the new password as a secret reference (`env:NAME` or
 * `file:/path`) resolved in Rectify's process at call time, so the operator stores it where the
 * user's legitimate clients read it before the run; the password is never returned, logged or
 * put in an error.
 * @example
 * const redis = redisConnector()
 * await redis.handlers['redis.acl.set-enabled']!({ user: 'legacy', enabled: false }, { signal, credential })
 * await redis.close()
 */
export function redisConnector(): Connector {
  const clients = new RedisClients();

  const handlers: Record<string, ActionHandler> = {
    'redis.acl.user': (params, { signal, credential }) => {
      const user = String(params.user);
      return clients.use(credential, signal, `read ACL user "${user}"`, (s) => readUser(s, user));
    },
    'redis.acl.list': (_params, { signal, credential }) =>
      clients.use(credential, signal, 'list ACL users', async (s) => {
        const names = ((await s.client.call('ACL', 'USERS')) as unknown[]).map(String);
        const pipeline = s.client.pipeline();
        for (const name of names) pipeline.call('ACL', 'GETUSER', name);
        const replies = (await pipeline.exec()) ?? [];
        const items = names
          .map((name, i) => {
            const [error, reply] = replies[i] ?? [null, null];
            if (error) throw error;
            return aclUserState(name, reply);
          })
          // A user deleted between ACL USERS and its GETUSER is simply gone.
          .filter((state) => state.exists)
          .map(({ user, enabled, nopass, allCommands, passwordCount }) => ({
            user,
            enabled,
            nopass,
            allCommands,
            passwordCount,
          }));
        return { items };
      }),
    'redis.config.protected-mode': (_params, { signal, credential }) =>
      clients.use(credential, signal, 'read protected-mode', async (s) => {
        const reply = (await s.client.call('CONFIG', 'GET', 'protected-mode')) as unknown[];
        return { protectedMode: reply[1] === 'yes' };
      }),
    'redis.acl.set-enabled': (params, { signal, credential }) => {
      const user = String(params.user);
      const enabled = params.enabled === true;
      const what = `turn ${enabled ? 'on' : 'off'} ACL user "${user}"`;
      return clients.use(credential, signal, what, async (s) => {
        if (!enabled) notSelf(s, user, 'turn off');
        await existing(s, user);
        await s.client.call('ACL', 'SETUSER', user, enabled ? 'on' : 'off');
        return readUser(s, user);
      });
    },
    'redis.acl.reset-password': async (params, { signal, credential }) => {
      const user = String(params.user);
      const password = await resolveSecretReference(String(params.password));
      const what = `reset the passwords of ACL user "${user}"`;
      return clients.use(
        credential,
        signal,
        what,
        async (s) => {
          notSelf(s, user, 'reset the password of');
          await existing(s, user);
          // resetpass drops every password and nopass; `>` adds the one new password.
          await s.client.call('ACL', 'SETUSER', user, 'resetpass', `>${password}`);
          return readUser(s, user);
        },
        [password],
      );
    },
  };

  return { name: 'redis', handlers, close: () => clients.close() };
}
