import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import {
  SandboxAbortError,
  SandboxFaultsError,
  parseSandboxFaults,
  sandboxFaultsSchema,
  type SandboxFaults,
} from '../../src/connectors/sandbox/faults.js';
import { sandboxConnector, type SandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import { ActionFailure } from '../../src/core/errors.js';

const catalog = defaultCatalog();

/** Calls an action as the engine will: input validated against the catalog, output checked. */
async function call(
  connector: SandboxConnector,
  id: string,
  params: Record<string, unknown>,
  signal: AbortSignal = new AbortController().signal,
): Promise<Record<string, unknown>> {
  const action = catalog.get(id);
  if (!action) throw new Error(`no action ${id}`);
  const handler = connector.handlers[id];
  if (!handler) throw new Error(`sandbox does not perform ${id}`);
  const output = await handler(action.input.parse(params) as Record<string, unknown>, { signal });
  return action.output.parse(output) as Record<string, unknown>;
}

/** What a call rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

const getReports = ['sandbox.bucket.get', { bucket: 'demo-reports' }] as const;
const closeReports = ['sandbox.bucket.set-access', { bucket: 'demo-reports', access: 'private' }] as const;
const rotateApp = ['sandbox.user.rotate-password', { system: 'redis-main', user: 'app' }] as const;

function simulatedFailure(kind: string, message?: string) {
  return {
    name: 'ActionFailure',
    kind,
    message: message ?? (expect.stringMatching(/^\[SIMULATED\] /) as unknown),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('sandbox faults: down', () => {
  it('fails every call, retryable, and changes nothing', async () => {
    const connector = sandboxConnector(undefined, { faults: { down: {} } });
    for (const [id, params] of [getReports, closeReports, rotateApp]) {
      const error = await failure(call(connector, id, params));
      expect(error).toBeInstanceOf(ActionFailure);
      expect(error).toMatchObject(
        simulatedFailure('retryable', '[SIMULATED] sandbox is down: connection refused'),
      );
    }
    expect(connector.world.writes).toEqual([]);
    expect(connector.world.buckets.get('demo-reports')?.access).toBe('public');
    expect(connector.world.users.get('redis-main/app')?.passwordVersion).toBe(1);
  });

  it('limited to writes, lets reads through (write includes destructive)', async () => {
    const connector = sandboxConnector(undefined, { faults: { down: { effect: 'write' } } });
    expect(await call(connector, ...getReports)).toMatchObject({ access: 'public' });
    expect(
      await failure(
        call(connector, 'sandbox.role.set-superuser', {
          database: 'analytics',
          role: 'app',
          superuser: true,
        }),
      ),
    ).toMatchObject({ kind: 'retryable' });
    expect(await failure(call(connector, ...closeReports))).toMatchObject({ kind: 'retryable' });
  });

  it('limited to reads, lets writes through', async () => {
    const connector = sandboxConnector(undefined, { faults: { down: { effect: 'read' } } });
    expect(await failure(call(connector, ...getReports))).toMatchObject({ kind: 'retryable' });
    expect(await call(connector, ...closeReports)).toMatchObject({ access: 'private' });
  });

  it('limited to some actions', async () => {
    const connector = sandboxConnector(undefined, { faults: { down: { actions: ['sandbox.role.get'] } } });
    expect(await call(connector, ...getReports)).toMatchObject({ exists: true });
    expect(
      await failure(call(connector, 'sandbox.role.get', { database: 'analytics', role: 'app' })),
    ).toMatchObject({
      kind: 'retryable',
    });
  });
});

describe('sandbox faults: expiredCredentials', () => {
  it('fails with kind credentials', async () => {
    const connector = sandboxConnector(undefined, { faults: { expiredCredentials: { effect: 'write' } } });
    expect(await call(connector, ...getReports)).toMatchObject({ exists: true });
    expect(await failure(call(connector, ...closeReports))).toMatchObject(
      simulatedFailure('credentials', '[SIMULATED] 401 Unauthorized: credentials expired'),
    );
    expect(connector.world.writes).toEqual([]);
  });
});

describe('sandbox faults: failAfter', () => {
  it('lets the first N matching calls succeed, then fails the rest (retryable by default)', async () => {
    const connector = sandboxConnector(undefined, { faults: { failAfter: { calls: 2, effect: 'write' } } });
    await call(connector, ...rotateApp);
    await call(connector, ...getReports); // a read: out of scope, not counted
    await call(connector, ...closeReports);
    expect(await failure(call(connector, ...rotateApp))).toMatchObject(simulatedFailure('retryable'));
    expect(await failure(call(connector, ...closeReports))).toMatchObject(simulatedFailure('retryable'));
    expect(await call(connector, ...getReports)).toMatchObject({ access: 'private' });
    expect(connector.world.writes.map((w) => w.action)).toEqual([
      'sandbox.user.rotate-password',
      'sandbox.bucket.set-access',
    ]);
  });

  it('fails with the configured kind; calls: 0 fails everything in scope', async () => {
    const connector = sandboxConnector(undefined, {
      faults: { failAfter: { calls: 0, kind: 'non-retryable', actions: ['sandbox.bucket.get'] } },
    });
    expect(await failure(call(connector, ...getReports))).toMatchObject({ kind: 'non-retryable' });
    expect(await call(connector, ...closeReports)).toMatchObject({ access: 'private' });
  });
});

describe('sandbox faults: failOnResource', () => {
  it('fails calls on the given resource value (non-retryable by default), not others', async () => {
    const connector = sandboxConnector(undefined, { faults: { failOnResource: { value: 'demo-reports' } } });
    const error = await failure(call(connector, ...closeReports));
    expect(error).toMatchObject(simulatedFailure('non-retryable'));
    expect((error as Error).message).toContain('bucket "demo-reports"');
    expect(await failure(call(connector, ...getReports))).toMatchObject({ kind: 'non-retryable' });
    expect(
      await call(connector, 'sandbox.bucket.set-access', { bucket: 'demo-photos', access: 'public' }),
    ).toMatchObject({ access: 'public' });
    // An action without resource parameters never matches.
    expect(await call(connector, 'sandbox.bucket.list', {})).toHaveProperty('items');
    expect(connector.world.writes.map((w) => w.params.bucket)).toEqual(['demo-photos']);
  });

  it('matches any of several values, only in the named parameter, with the configured kind', async () => {
    const connector = sandboxConnector(undefined, {
      faults: { failOnResource: { value: ['app', 'etl_legacy'], param: 'role', kind: 'retryable' } },
    });
    expect(
      await failure(call(connector, 'sandbox.role.get', { database: 'analytics', role: 'app' })),
    ).toMatchObject({
      kind: 'retryable',
    });
    expect(
      await failure(
        call(connector, 'sandbox.role.set-login', {
          database: 'analytics',
          role: 'etl_legacy',
          login: false,
        }),
      ),
    ).toMatchObject({ kind: 'retryable' });
    // `app` is also a user, but `user` is not the named parameter.
    expect(await call(connector, ...rotateApp)).toMatchObject({ rotated: true });
  });

  it('combines with a scope: only writes on the resource fail', async () => {
    const connector = sandboxConnector(undefined, {
      faults: { failOnResource: { value: 'demo-reports', effect: 'write' } },
    });
    expect(await call(connector, ...getReports)).toMatchObject({ access: 'public' });
    expect(await failure(call(connector, ...closeReports))).toMatchObject({ kind: 'non-retryable' });
  });
});

describe('sandbox faults: flaky', () => {
  it('fails the next K matching calls, then succeeds: a retry loop gets through', async () => {
    const connector = sandboxConnector(undefined, { faults: { flaky: { failures: 2, effect: 'write' } } });
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        await call(connector, ...closeReports);
        outcomes.push('ok');
        break;
      } catch (error) {
        expect(error).toMatchObject(simulatedFailure('retryable'));
        outcomes.push('failed');
      }
    }
    expect(outcomes).toEqual(['failed', 'failed', 'ok']);
    expect(connector.world.calls.get('sandbox.bucket.set-access')).toBe(3);
    expect(connector.world.writes).toHaveLength(1);
    expect(await call(connector, ...closeReports)).toMatchObject({ access: 'private' });
  });

  it('restarts its count when the plan is set again', async () => {
    const connector = sandboxConnector(undefined, {
      faults: { flaky: { failures: 1, kind: 'credentials' } },
    });
    expect(await failure(call(connector, ...getReports))).toMatchObject({ kind: 'credentials' });
    await call(connector, ...getReports);
    connector.faults.set({ flaky: { failures: 1 } });
    expect(await failure(call(connector, ...getReports))).toMatchObject({ kind: 'retryable' });
    await call(connector, ...getReports);
  });
});

describe('sandbox faults: slow', () => {
  it('answers after delayMs', async () => {
    vi.useFakeTimers();
    const connector = sandboxConnector(undefined, { faults: { slow: { delayMs: 5_000 } } });
    let settled = false;
    const pending = call(connector, ...closeReports).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(false);
    expect(connector.world.writes).toEqual([]); // not applied before the delay
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ access: 'private' });
    expect(connector.world.writes).toHaveLength(1);
  });

  it('answers after a short real delay', async () => {
    const connector = sandboxConnector(undefined, { faults: { slow: { delayMs: 30 } } });
    const started = performance.now();
    await call(connector, ...getReports);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects promptly with an AbortError when aborted, and does not apply the write', async () => {
    vi.useFakeTimers();
    const connector = sandboxConnector(undefined, { faults: { slow: { delayMs: 60_000 } } });
    const controller = new AbortController();
    const pending = failure(call(connector, ...closeReports, controller.signal));
    await vi.advanceTimersByTimeAsync(1_000);
    const reason = new Error('step timeout');
    controller.abort(reason);
    const error = await pending; // no further timer advance: the rejection is prompt
    expect(error).toBeInstanceOf(SandboxAbortError);
    expect(error).not.toBeInstanceOf(ActionFailure);
    expect(error).toMatchObject({ name: 'AbortError', cause: reason });
    expect((error as Error).message).toMatch(/^\[SIMULATED\] /);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(connector.world.writes).toEqual([]);
    expect(connector.world.buckets.get('demo-reports')?.access).toBe('public');
    expect(connector.world.calls.get('sandbox.bucket.set-access')).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with applyBeforeAbort, the write takes effect and the answer is lost', async () => {
    vi.useFakeTimers();
    const connector = sandboxConnector(undefined, {
      faults: {
        slow: { delayMs: 60_000, applyBeforeAbort: true, actions: ['sandbox.user.rotate-password'] },
      },
    });
    const controller = new AbortController();
    const pending = failure(call(connector, ...rotateApp, controller.signal));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).not.toBeInstanceOf(ActionFailure);
    // Took effect: a retry would rotate the password a second time.
    expect(connector.world.users.get('redis-main/app')?.passwordVersion).toBe(2);
    expect(connector.world.writes.map((w) => w.action)).toEqual(['sandbox.user.rotate-password']);
    expect(connector.world.calls.get('sandbox.user.rotate-password')).toBe(1);
  });

  it('with applyBeforeAbort, a failure decided by the system is also answered late', async () => {
    vi.useFakeTimers();
    const connector = sandboxConnector(undefined, {
      faults: { slow: { delayMs: 100, applyBeforeAbort: true }, expiredCredentials: {} },
    });
    const pending = failure(call(connector, ...getReports));
    await vi.advanceTimersByTimeAsync(100);
    expect(await pending).toMatchObject({ kind: 'credentials' });
  });

  it('rejects at once when the signal is already aborted, and does nothing', async () => {
    const connector = sandboxConnector();
    const controller = new AbortController();
    controller.abort();
    expect(await failure(call(connector, ...closeReports, controller.signal))).toBeInstanceOf(
      SandboxAbortError,
    );
    expect(connector.world.writes).toEqual([]);
    expect(connector.world.calls.get('sandbox.bucket.set-access')).toBe(1);
  });

  it('only delays the calls in its scope', async () => {
    vi.useFakeTimers();
    const connector = sandboxConnector(undefined, { faults: { slow: { delayMs: 60_000, effect: 'write' } } });
    expect(await call(connector, ...getReports)).toMatchObject({ exists: true });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('sandbox faults: changing the plan at run time', () => {
  it('set replaces the plan, clear removes it; current shows it', async () => {
    const connector = sandboxConnector();
    expect(connector.faults.current).toEqual({});
    await call(connector, ...getReports);
    connector.faults.set({ down: {} });
    expect(connector.faults.current).toEqual({ down: {} });
    expect(await failure(call(connector, ...getReports))).toMatchObject({ kind: 'retryable' });
    connector.faults.set({ expiredCredentials: {} });
    expect(await failure(call(connector, ...getReports))).toMatchObject({ kind: 'credentials' });
    connector.faults.clear();
    expect(connector.faults.current).toEqual({});
    expect(await call(connector, ...getReports)).toMatchObject({ exists: true });
  });

  it('when several faults match, down comes first, then credentials, resource, flaky, failAfter', async () => {
    const connector = sandboxConnector(undefined, {
      faults: {
        expiredCredentials: {},
        failOnResource: { value: 'demo-reports' },
        flaky: { failures: 5 },
        down: {},
      },
    });
    expect(await failure(call(connector, ...getReports))).toMatchObject({
      kind: 'retryable',
      message: expect.stringContaining('down') as unknown,
    });
    connector.faults.set({
      failOnResource: { value: 'demo-reports' },
      flaky: { failures: 5, kind: 'credentials' },
    });
    expect(await failure(call(connector, ...getReports))).toMatchObject({ kind: 'non-retryable' });
    expect(await failure(call(connector, 'sandbox.bucket.get', { bucket: 'demo-photos' }))).toMatchObject({
      kind: 'credentials',
    });
  });
});

describe('sandbox call counting', () => {
  it('counts every attempt per action id, including failed ones; writes holds what took effect', async () => {
    const connector = sandboxConnector(undefined, { faults: { flaky: { failures: 1, effect: 'write' } } });
    await failure(call(connector, ...rotateApp));
    await call(connector, ...rotateApp);
    await call(connector, ...getReports);
    await call(connector, ...getReports);
    await failure(call(connector, 'sandbox.bucket.set-access', { bucket: 'nope', access: 'private' }));
    expect(connector.world.calls).toEqual(
      new Map([
        ['sandbox.user.rotate-password', 2],
        ['sandbox.bucket.get', 2],
        ['sandbox.bucket.set-access', 1],
      ]),
    );
    // The non-idempotent action was attempted twice and performed exactly once.
    expect(connector.world.writes.filter((w) => w.action === 'sandbox.user.rotate-password')).toHaveLength(1);
    expect(connector.world.users.get('redis-main/app')?.passwordVersion).toBe(2);
  });

  it('starts empty', () => {
    expect(sandboxConnector().world.calls.size).toBe(0);
  });
});

describe('sandbox fault plans as data', () => {
  const everyFault: SandboxFaults = {
    down: { actions: ['sandbox.bucket.get'] },
    slow: { delayMs: 10, applyBeforeAbort: true, effect: 'write' },
    expiredCredentials: { effect: 'read' },
    failAfter: { calls: 3, kind: 'non-retryable' },
    failOnResource: { value: ['demo-reports'], param: 'bucket', kind: 'retryable' },
    flaky: { failures: 2 },
  };

  it('round-trip through JSON, as through an environment variable', () => {
    expect(parseSandboxFaults(JSON.stringify(everyFault))).toEqual(everyFault);
    expect(sandboxFaultsSchema.parse({})).toEqual({});
  });

  it.each([
    [{ dwon: {} }, /\(plan\): Unrecognized key.*dwon/],
    [
      { down: { actions: ['sandbox.bucket.gett'] } },
      /down\.actions\.0: unknown sandbox action "sandbox\.bucket\.gett"/,
    ],
    [{ down: { actions: ['postgres.role.get'] } }, /unknown sandbox action "postgres\.role\.get"/],
    [{ down: { actions: [] } }, /down\.actions: list at least one action id/],
    [{ down: { effect: 'destructive' } }, /down\.effect/],
    [{ slow: {} }, /slow\.delayMs/],
    [{ slow: { delayMs: -1 } }, /slow\.delayMs/],
    [{ slow: { delayMs: 1.5 } }, /slow\.delayMs/],
    [{ slow: { delayMs: 10, delay: 5 } }, /slow: Unrecognized key.*delay/],
    [{ failAfter: { calls: 1, kind: 'fatal' } }, /failAfter\.kind/],
    [{ failOnResource: { value: '' } }, /failOnResource\.value/],
    [
      { failOnResource: { value: 'x', param: 'pid' } },
      /failOnResource\.param: "pid" is not a resource parameter/,
    ],
    [{ flaky: { failures: '2' } }, /flaky\.failures/],
    [[], /\(plan\)/],
  ])('rejects %j', (plan, problem) => {
    expect(() => parseSandboxFaults(JSON.stringify(plan))).toThrow(problem);
    expect(() => sandboxConnector(undefined, { faults: plan as SandboxFaults })).toThrow(SandboxFaultsError);
    const connector = sandboxConnector();
    expect(() => {
      connector.faults.set(plan as SandboxFaults);
    }).toThrow(problem);
    expect(connector.faults.current).toEqual({}); // a rejected plan leaves the one in force
  });

  it('says which problems, all of them, labelled [SIMULATED]', () => {
    const error = (() => {
      try {
        parseSandboxFaults('{"slow":{"delayMs":-5},"flaky":{}}');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SandboxFaultsError);
    expect((error as SandboxFaultsError).problems).toHaveLength(2);
    expect((error as Error).message).toMatch(/^\[SIMULATED\] invalid sandbox faults: /);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseSandboxFaults('{down}')).toThrow(/\(plan\): not JSON/);
  });
});
