import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisFailureKind } from '../../../src/connectors/redis/redis-errors.js';
import { redisConnector } from '../../../src/connectors/redis/redis-connector.js';
import type { ResolvedCredential } from '../../../src/core/catalog/connector.js';
import { serviceAvailable } from '../../helpers/services.js';
import { catalog, catalogCaller, rejection, testName } from '../mysql/catalog-calls.js';

const run = await serviceAvailable('redis');

/**
 * The Redis of this machine is shared: these tests NEVER touch the `default` user or the server's
 * config. They create `rfy_t_*` users, connect the connector as one of them (as Rectify does in
 * production: its own ACL user), and delete them all afterwards.
 */
describe.runIf(run)('redis connector against a real Redis', () => {
  let admin: Redis;
  const created: string[] = [];
  const remediatorUser = testName('_r');
  const remediatorPassword = `pw-${Math.random().toString(36).slice(2)}-Secret`;
  const credential = (name: string, user: string, password: string, port = 6379): ResolvedCredential => ({
    name,
    connector: 'redis',
    settings: { url: `redis://${user}:${password}@127.0.0.1:${port}` },
    scopes: [],
  });
  const remediator = credential('redis-acl-remediator', remediatorUser, remediatorPassword);
  const connector = redisConnector();
  const { call, snapshot, undo } = catalogCaller(connector, remediator);

  /** Creates an ACL user with the given rules; every test user is deleted after the test. */
  async function createUser(...rules: string[]): Promise<string> {
    const user = testName();
    created.push(user);
    await admin.call('ACL', 'SETUSER', user, ...rules);
    return user;
  }
  const flags = async (user: string) => {
    const reply = (await admin.call('ACL', 'GETUSER', user)) as unknown[] | null;
    return reply ? (reply[1] as string[]) : null;
  };
  /** Whether `user` can log in with `password`, on a fresh connection. */
  async function canLogIn(user: string, password: string): Promise<boolean> {
    const probe = new Redis({ port: 6379, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.call('AUTH', user, password);
      return true;
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }

  beforeAll(async () => {
    admin = new Redis({ port: 6379, host: '127.0.0.1' });
    // What the connector needs and no more: the ACL reads and SETUSER, CONFIG GET, and what the
    // client sends when it connects (AUTH, HELLO, CLIENT SETNAME, INFO for its ready check).
    await admin.call(
      'ACL',
      'SETUSER',
      remediatorUser,
      'reset',
      'on',
      `>${remediatorPassword}`,
      '+@connection',
      '+info',
      '+acl|getuser',
      '+acl|users',
      '+acl|setuser',
      '+config|get',
    );
  });
  afterEach(async () => {
    const users = created.splice(0);
    if (users.length > 0) await admin.call('ACL', 'DELUSER', ...users);
  });
  afterAll(async () => {
    await connector.close?.();
    await admin.call('ACL', 'DELUSER', remediatorUser);
    admin.disconnect();
  });

  it('performs every redis action of the catalog, and only those', () => {
    const ids = catalog
      .list()
      .filter((a) => a.connector === 'redis')
      .map((a) => a.id)
      .sort();
    expect(Object.keys(connector.handlers).sort()).toEqual(ids);
  });

  it('reads a user without a password, a guarded one, and a missing one; hashes never leave', async () => {
    const open = await createUser('on', 'nopass', '~*', '+@all');
    const guarded = await createUser('on', '>first-pw-1', '>second-pw-2', '~*', '+@all', '-flushall');
    expect(await call('redis.acl.user', { user: open })).toEqual({
      user: open,
      exists: true,
      enabled: true,
      nopass: true,
      allCommands: true,
      passwordCount: 0,
    });
    const read = await call('redis.acl.user', { user: guarded });
    expect(read).toEqual({
      user: guarded,
      exists: true,
      enabled: true,
      nopass: false,
      allCommands: false, // +@all minus FLUSHALL is not every command
      passwordCount: 2,
    });
    expect(await call('redis.acl.user', { user: testName() })).toMatchObject({
      exists: false,
      enabled: false,
    });
    // The server's reply holds the SHA-256 of each password: none of it reaches the output.
    const hashes = ((await admin.call('ACL', 'GETUSER', guarded)) as unknown[])[3] as string[];
    for (const hash of hashes) expect(JSON.stringify(read)).not.toContain(hash);
  });

  it('lists every ACL user for scans, with the same fields', async () => {
    const open = await createUser('on', 'nopass', '~*', '+@all');
    const off = await createUser('off', '>pw-3', '+get');
    const items = (await call('redis.acl.list', {})).items as Record<string, unknown>[];
    expect(items).toContainEqual({
      user: open,
      enabled: true,
      nopass: true,
      allCommands: true,
      passwordCount: 0,
    });
    expect(items).toContainEqual({
      user: off,
      enabled: false,
      nopass: false,
      allCommands: false,
      passwordCount: 1,
    });
    expect(items.some((u) => u.user === remediatorUser)).toBe(true);
  });

  it('reads protected mode as the server has it', async () => {
    const reply = (await admin.call('CONFIG', 'GET', 'protected-mode')) as string[];
    expect(await call('redis.config.protected-mode', {})).toEqual({ protectedMode: reply[1] === 'yes' });
  });

  it('turns a nopass user off for real (it can no longer log in), idempotently, and its inverse turns it on', async () => {
    const target = await createUser('on', 'nopass', '~*', '+@all');
    expect(await canLogIn(target, 'anything')).toBe(true);
    const params = { user: target, enabled: false };
    const before = await snapshot('redis.acl.set-enabled', params);
    expect(await call('redis.acl.set-enabled', params)).toMatchObject({
      exists: true,
      enabled: false,
      nopass: true,
    });
    expect(await flags(target)).toContain('off');
    expect(await canLogIn(target, 'anything')).toBe(false);
    expect(await call('redis.acl.set-enabled', params)).toMatchObject({ enabled: false });
    expect(await undo('redis.acl.set-enabled', params, before)).toBe('undone');
    expect(await flags(target)).toContain('on');
    expect(await canLogIn(target, 'anything')).toBe(true);
  });

  it('turns an off user on, and does not undo a change that was not one', async () => {
    const target = await createUser('off', 'nopass', '+@all');
    const on = { user: target, enabled: true };
    const before = await snapshot('redis.acl.set-enabled', on);
    await call('redis.acl.set-enabled', on);
    expect(await flags(target)).toContain('on');
    expect(await undo('redis.acl.set-enabled', on, before)).toBe('undone');
    expect(await flags(target)).toContain('off');

    const already = { user: target, enabled: false };
    const unchanged = await snapshot('redis.acl.set-enabled', already);
    await call('redis.acl.set-enabled', already);
    expect(await undo('redis.acl.set-enabled', already, unchanged)).toBe('unchanged');
    expect(await flags(target)).toContain('off');
  });

  it('never creates a user: a missing or malformed name fails non-retryable and nothing appears', async () => {
    for (const user of [testName(), `${testName()} on nopass +@all`]) {
      const missing = await rejection(call('redis.acl.set-enabled', { user, enabled: true }));
      expect(missing.kind).toBe('non-retryable');
      expect(missing.message).toMatch(/does not exist/);
      expect(await admin.call('ACL', 'GETUSER', user)).toBeNull();
    }
  });

  it('refuses to turn off or re-key the user it logs in as', async () => {
    const self = await rejection(call('redis.acl.set-enabled', { user: remediatorUser, enabled: false }));
    expect(self.kind).toBe('non-retryable');
    expect(self.message).toMatch(/logs in as it/);
    expect(await flags(remediatorUser)).toContain('on');
  });

  it('replaces every password (and nopass) with the referenced secret, never returning it', async () => {
    const target = await createUser('on', 'nopass', '>old-pw-4', '~*', '+@all');
    const variable = `RFY_T_${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    const secret = `new-${Math.random().toString(36).slice(2)}-Secret`;
    process.env[variable] = secret;
    try {
      const after = await call('redis.acl.reset-password', { user: target, password: `env:${variable}` });
      expect(after).toMatchObject({ exists: true, nopass: false, passwordCount: 1 });
      expect(JSON.stringify(after)).not.toContain(secret);
      expect(await canLogIn(target, secret)).toBe(true);
      expect(await canLogIn(target, 'old-pw-4')).toBe(false);
      expect(await canLogIn(target, 'anything')).toBe(false);
      // Idempotent: the same secret again leaves the same single password.
      expect(await call('redis.acl.reset-password', { user: target, password: `env:${variable}` })).toEqual(
        after,
      );
    } finally {
      Reflect.deleteProperty(process.env, variable);
    }
    const directory = await mkdtemp(join(tmpdir(), 'rfy-redis-'));
    try {
      await writeFile(join(directory, 'password'), 'from-a-file-5\n');
      await call('redis.acl.reset-password', {
        user: target,
        password: `file:${join(directory, 'password')}`,
      });
      expect(await canLogIn(target, 'from-a-file-5')).toBe(true);
    } finally {
      await rm(directory, { recursive: true });
    }
    const unset = await rejection(
      call('redis.acl.reset-password', { user: target, password: 'env:RFY_T_UNSET_VARIABLE' }),
    );
    expect(unset.kind).toBe('non-retryable');
    expect(unset.message).toContain('env:RFY_T_UNSET_VARIABLE');
    expect(catalog.get('redis.acl.reset-password')?.inverse).toHaveProperty('none');
  });

  it('classifies failures and never shows a password', async () => {
    const wrong = await rejection(
      call(
        'redis.acl.user',
        { user: 'x' },
        { credential: credential('redis-acl-remediator', remediatorUser, 'wrong-Secret-9') },
      ),
    );
    expect(wrong.kind).toBe('credentials');
    expect(wrong.message).toContain('redis-acl-remediator');

    const unreachable = await rejection(
      call(
        'redis.acl.user',
        { user: 'x' },
        { credential: credential('redis-down', remediatorUser, remediatorPassword, 1) },
      ),
    );
    expect(unreachable.kind).toBe('retryable');

    const missing = await rejection(call('redis.acl.set-enabled', { user: testName(), enabled: false }));
    expect(missing.kind).toBe('non-retryable');

    // A reader may read users but not change them: NOPERM is not a credential problem.
    const reader = await createUser('on', '>reader-pw-7', '+@connection', '+info', '+acl|getuser');
    const target = await createUser('on', 'nopass', '+@all');
    const noperm = await rejection(
      call(
        'redis.acl.set-enabled',
        { user: target, enabled: false },
        { credential: credential('redis-reader', reader, 'reader-pw-7') },
      ),
    );
    expect(noperm.kind).toBe('non-retryable');
    expect(noperm.message).toMatch(/NOPERM/);
    expect(await flags(target)).toContain('on');

    // A disabled remediator user is refused at login (WRONGPASS): credentials.
    await admin.call('ACL', 'SETUSER', reader, 'off');
    const disabled = await rejection(
      call(
        'redis.acl.user',
        { user: 'x' },
        { credential: credential('redis-reader-2', reader, 'reader-pw-7') },
      ),
    );
    expect(disabled.kind).toBe('credentials');

    for (const error of [wrong, unreachable, missing, noperm, disabled])
      for (const secret of [remediatorPassword, 'wrong-Secret-9', 'reader-pw-7', 'redis://'])
        expect(error.message).not.toContain(secret);
  });

  it('classifies the reply errors a healthy test server does not send', () => {
    const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
    expect(redisFailureKind(reply('NOAUTH Authentication required.'))).toBe('credentials');
    expect(redisFailureKind(reply('WRONGPASS invalid username-password pair or user is disabled.'))).toBe(
      'credentials',
    );
    expect(redisFailureKind(reply('LOADING Redis is loading the dataset in memory'))).toBe('retryable');
    expect(redisFailureKind(reply('BUSY Redis is busy running a script.'))).toBe('retryable');
    expect(
      redisFailureKind(reply("NOPERM this user has no permissions to run the 'acl|setuser' command")),
    ).toBe('non-retryable');
    expect(redisFailureKind(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      'retryable',
    );
  });

  it('gives up at once, retryable, when the step is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const abandoned = await rejection(call('redis.acl.list', {}, { signal: controller.signal }));
    expect(abandoned.kind).toBe('retryable');
    expect(abandoned.message).toMatch(/abandoned/);
    const racing = new AbortController();
    const pending = call('redis.acl.list', {}, { signal: racing.signal });
    racing.abort();
    expect((await rejection(pending)).kind).toBe('retryable');
    expect((await call('redis.acl.list', {})).items).toBeInstanceOf(Array);
  });
});
