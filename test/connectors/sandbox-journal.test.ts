import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld } from '../../src/connectors/sandbox/sandbox-world.js';
import { ActionFailure } from '../../src/core/errors.js';

const signal = new AbortController().signal;
let dir: string;
let journal: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rectify-journal-'));
  journal = join(dir, 'world.journal');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function perform(world: SandboxWorld, action: string, params: Record<string, unknown>): Promise<void> {
  const handler = sandboxConnector(world).handlers[action];
  if (!handler) throw new Error(`no handler for ${action}`);
  await handler(params, { signal });
}

describe('sandbox world journal', () => {
  it('writes each write to the file before answering, and a new world replays them onto the seed', async () => {
    const world = new SandboxWorld(undefined, { journal });
    await perform(world, 'sandbox.bucket.set-access', { bucket: 'demo-reports', access: 'private' });
    expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(1);
    await perform(world, 'sandbox.user.rotate-password', { system: 'redis-main', user: 'app' });
    await perform(world, 'sandbox.role.set-login', {
      database: 'analytics',
      role: 'etl_legacy',
      login: false,
    });
    world.close();

    const again = new SandboxWorld(undefined, { journal });
    expect(again.writes).toEqual(world.writes);
    expect(again.buckets.get('demo-reports')).toEqual({ access: 'private' });
    expect(again.users.get('redis-main/app')).toMatchObject({ hasPassword: true, passwordVersion: 2 });
    expect(again.roles.get('analytics/etl_legacy')).toMatchObject({ login: false });
    // It goes on appending.
    await perform(again, 'sandbox.user.rotate-password', { system: 'redis-main', user: 'app' });
    again.close();
    expect(new SandboxWorld(undefined, { journal }).users.get('redis-main/app')?.passwordVersion).toBe(3);
  });

  it('journals nothing for a write that did not happen (missing resource)', async () => {
    const world = new SandboxWorld(undefined, { journal });
    await expect(
      perform(world, 'sandbox.bucket.set-access', { bucket: 'nope', access: 'private' }),
    ).rejects.toBeInstanceOf(ActionFailure);
    expect(world.writes).toEqual([]);
    expect(readFileSync(journal, 'utf8')).toBe('');
    world.close();
  });

  it('drops a torn last line (a crash mid-append): that write never took effect', async () => {
    const world = new SandboxWorld(undefined, { journal });
    await perform(world, 'sandbox.bucket.set-access', { bucket: 'demo-reports', access: 'private' });
    world.close();
    appendFileSync(journal, '{"action":"sandbox.bucket.set-acc');

    const again = new SandboxWorld(undefined, { journal });
    expect(again.writes).toHaveLength(1);
    await perform(again, 'sandbox.bucket.set-access', { bucket: 'demo-exports', access: 'public' });
    again.close();
    expect(new SandboxWorld(undefined, { journal }).buckets.get('demo-exports')).toEqual({
      access: 'public',
    });
  });

  it('refuses a journal that does not fit the seed, and writes after close', async () => {
    const world = new SandboxWorld(undefined, { journal });
    await perform(world, 'sandbox.bucket.set-access', { bucket: 'demo-reports', access: 'private' });
    world.close();
    expect(() => new SandboxWorld({ buckets: {} }, { journal })).toThrow(/does not fit the seed/);
    expect(() =>
      world.write('sandbox.bucket.set-access', { bucket: 'demo-reports', access: 'public' }),
    ).toThrow(/journal .* is closed/);
  });

  it('without a journal, a world stays in memory', async () => {
    const world = new SandboxWorld();
    await perform(world, 'sandbox.bucket.set-access', { bucket: 'demo-reports', access: 'private' });
    expect(world.journal).toBeUndefined();
    expect(world.writes).toHaveLength(1);
  });
});
