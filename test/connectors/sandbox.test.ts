import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { sandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld } from '../../src/connectors/sandbox/sandbox-world.js';
import { ActionFailure } from '../../src/core/errors.js';
import { compileParams, resolveParams } from '../../src/core/expr/params.js';
import { toCel } from '../../src/core/expr/values.js';

const catalog = defaultCatalog();
const signal = new AbortController().signal;

/** Calls an action the way the engine will: input validated against the catalog, output checked. */
async function call(
  connector: ReturnType<typeof sandboxConnector>,
  id: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const action = catalog.get(id);
  if (!action) throw new Error(`no action ${id}`);
  const input = action.input.parse(params) as Record<string, unknown>;
  const handler = connector.handlers[id];
  if (!handler) throw new Error(`sandbox does not perform ${id}`);
  return action.output.parse(await handler(input, { signal })) as Record<string, unknown>;
}

/** Undoes an action from its catalog inverse and the snapshot taken before it. */
async function undo(
  connector: ReturnType<typeof sandboxConnector>,
  id: string,
  params: Record<string, unknown>,
  snapshot: unknown,
): Promise<void> {
  const inverse = catalog.get(id)?.inverse;
  if (!inverse || 'none' in inverse) throw new Error(`${id} has no inverse`);
  const inverseParams = resolveParams(compileParams(inverse.with, 'inverse').param, {
    params: toCel(params),
    snapshot: toCel(snapshot),
  });
  await call(connector, inverse.action, inverseParams as Record<string, unknown>);
}

async function snapshotFor(
  connector: ReturnType<typeof sandboxConnector>,
  id: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  const inverse = catalog.get(id)?.inverse;
  if (!inverse || 'none' in inverse || !inverse.snapshot) throw new Error(`${id} has no snapshot`);
  const snapshotParams = resolveParams(compileParams(inverse.snapshot.with, 'inverse').param, {
    params: toCel(params),
  });
  return call(connector, inverse.snapshot.action, snapshotParams as Record<string, unknown>);
}

describe('sandbox connector (simulated)', () => {
  it('performs every sandbox action of the catalog, and only those', () => {
    const sandboxIds = catalog
      .list()
      .filter((a) => a.connector === 'sandbox')
      .map((a) => a.id)
      .sort();
    expect(Object.keys(sandboxConnector().handlers).sort()).toEqual(sandboxIds);
  });

  it.each([
    [
      'sandbox.bucket.set-access',
      { bucket: 'demo-reports', access: 'private' },
      (w: SandboxWorld) => w.buckets.get('demo-reports')?.access,
      'private',
      'public',
    ],
    [
      'sandbox.role.set-login',
      { database: 'analytics', role: 'etl_legacy', login: false },
      (w: SandboxWorld) => w.roles.get('analytics/etl_legacy')?.login,
      false,
      true,
    ],
    [
      'sandbox.role.set-superuser',
      { database: 'analytics', role: 'app', superuser: true },
      (w: SandboxWorld) => w.roles.get('analytics/app')?.superuser,
      true,
      false,
    ],
    [
      'sandbox.user.set-enabled',
      { system: 'redis-main', user: 'default', enabled: false },
      (w: SandboxWorld) => w.users.get('redis-main/default')?.enabled,
      false,
      true,
    ],
  ] as const)(
    '%s changes the world and its catalog inverse restores it from the snapshot',
    async (id, params, observe, after, before) => {
      const connector = sandboxConnector();
      expect(observe(connector.world)).toBe(before);
      const snapshot = await snapshotFor(connector, id, params);
      await call(connector, id, params);
      expect(observe(connector.world)).toBe(after);
      await undo(connector, id, params, snapshot);
      expect(observe(connector.world)).toBe(before);
      expect(connector.world.writes.map((w) => w.action)).toEqual([id, id]);
    },
  );

  it('reads a missing resource as not existing, and refuses to write it', async () => {
    const connector = sandboxConnector();
    expect(await call(connector, 'sandbox.bucket.get', { bucket: 'nope' })).toMatchObject({ exists: false });
    const failure = await call(connector, 'sandbox.bucket.set-access', {
      bucket: 'nope',
      access: 'private',
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ActionFailure);
    expect(failure).toMatchObject({
      kind: 'non-retryable',
      message: expect.stringContaining('[SIMULATED]') as unknown,
    });
    expect(connector.world.writes).toEqual([]);
  });

  it('rotates a password each call: not idempotent, and declares why it cannot be undone', async () => {
    const connector = sandboxConnector();
    await call(connector, 'sandbox.user.rotate-password', { system: 'redis-main', user: 'app' });
    await call(connector, 'sandbox.user.rotate-password', { system: 'redis-main', user: 'app' });
    expect(connector.world.users.get('redis-main/app')?.passwordVersion).toBe(3);
    expect(catalog.get('sandbox.user.rotate-password')).toMatchObject({
      idempotent: false,
      inverse: { none: expect.any(String) as unknown },
    });
  });

  it('lists buckets for scans', async () => {
    const listed = await call(sandboxConnector(), 'sandbox.bucket.list', {});
    expect(listed.items).toEqual([
      { bucket: 'demo-exports', exists: true, access: 'private' },
      { bucket: 'demo-photos', exists: true, access: 'private' },
      { bucket: 'demo-reports', exists: true, access: 'public' },
    ]);
  });
});
