import { describe, expect, it } from 'vitest';
import { sandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld } from '../../src/connectors/sandbox/sandbox-world.js';
import { Engine } from '../../src/engine/engine.js';
import type { Store, StoreTransaction } from '../../src/store/store.js';
import { ManualClock } from './helpers.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { crashSeed, loadCrashWorkflows, type CrashEvent } from './crash/scenario.js';

/**
 * The deterministic companion of crash-recovery.test.ts: instead of SIGKILLs at random times, an
 * engine "dies" after exactly N committed transactions (every later transaction fails, as if the
 * process were gone; a connector call already under way still takes effect, its answer is lost),
 * for every N, then a new engine recovers on the same store and world. Optionally the recovering
 * engine dies too, after M transactions. Every durable point of a run is a crash point.
 */

/** A store that commits `budget` transactions, then fails every one: a process that died. */
class DyingStore implements Store {
  readonly capabilities;
  private committed = 0;
  constructor(
    private readonly inner: Store,
    private readonly budget: number,
  ) {
    this.capabilities = inner.capabilities;
  }
  get dead(): boolean {
    return this.committed >= this.budget;
  }
  transaction<T>(work: (tx: StoreTransaction) => Promise<T> | T): Promise<T> {
    return this.inner.transaction(async (tx) => {
      if (this.dead) throw new Error('the engine process is gone');
      const result = await work(tx);
      this.committed++;
      return result;
    });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const workflows = loadCrashWorkflows();
const event = (id: string, type: string, resource: Record<string, string>): CrashEvent => ({
  id,
  source: 'crash',
  type,
  time: '2026-11-27T10:00:00Z',
  severity: 'high',
  resource,
  data: {},
});
const rotate = event('rotate', 'crash.user.leaked', {
  id: 'sandbox://user/vault/u1',
  system: 'vault',
  user: 'u1',
});
const doomed = event('doomed', 'crash.role.risky', {
  id: 'sandbox://role/db1/doomed',
  database: 'db1',
  role: 'doomed',
});
const events = [rotate, doomed];
const faults = {
  failOnResource: { actions: ['sandbox.role.set-superuser'], param: 'role', value: 'doomed' },
};

async function engineOn(store: Store, world: SandboxWorld): Promise<Engine | undefined> {
  try {
    return await Engine.start({
      store,
      workflows,
      connectors: new Map([['sandbox', sandboxConnector(world, { faults })]]),
      // A clock that never moves: every intent and result of a run falls in the same millisecond.
      clock: new ManualClock(),
      onError: () => undefined,
    });
  } catch {
    return undefined; // died while recovering
  }
}

/** Runs an engine until it is idle: done, or dead (its store refuses every transaction). */
async function runUntilIdle(engine: Engine | undefined, ingest: boolean): Promise<void> {
  if (!engine) return;
  if (ingest) await engine.ingestBatch(events).catch(() => undefined);
  await engine.idle();
  await engine.stop();
}

/** Crash points: one per transaction of an uninterrupted run of both events, and one more. */
async function transactionsWithoutCrash(): Promise<number> {
  let count = 0;
  const inner = SqliteStore.open(':memory:');
  const counting: Store = {
    capabilities: inner.capabilities,
    transaction: (work) => inner.transaction((tx) => (count++, work(tx))),
    close: () => inner.close(),
  };
  const engine = await engineOn(counting, new SandboxWorld(crashSeed(events)));
  await engine?.ingestBatch(events);
  await engine?.idle();
  await inner.close();
  return count;
}

describe('recovery at every durable point', () => {
  it('never performs a non-idempotent action twice, and every run ends, whatever transaction the engine dies after (twice)', async () => {
    const total = await transactionsWithoutCrash();
    expect(total).toBeGreaterThan(10);
    const outcomes = new Set<string>();
    for (let first = 0; first <= total; first++) {
      for (const second of [Infinity, 0, 1, 2]) {
        const where = `first engine died after ${first} transactions, the second after ${second}`;
        const inner = SqliteStore.open(':memory:');
        const world = new SandboxWorld(crashSeed(events));
        await runUntilIdle(await engineOn(new DyingStore(inner, first), world), true);
        if (second !== Infinity) {
          await runUntilIdle(await engineOn(new DyingStore(inner, second), world), false);
        }
        const last = await engineOn(inner, world);
        await last?.ingestBatch(events); // what the first engine did not acknowledge, a source sends again
        await last?.idle();

        const runs = await inner.transaction((tx) => tx.listRuns({}));
        expect(
          runs.map((r) => r.status),
          where,
        ).toEqual(['done', 'done']);
        const rotated = world.writes.filter((w) => w.action === 'sandbox.user.rotate-password').length;
        const rotateRun = runs.find((r) => r.workflow === 'crash-rotate-password');
        expect(rotated, where).toBeLessThanOrEqual(1);
        if (rotateRun?.outcome === 'succeeded') expect(rotated, where).toBe(1);
        expect(['succeeded', 'needs_attention'], where).toContain(rotateRun?.outcome);
        const compensated = runs.find((r) => r.workflow === 'crash-compensate');
        expect(compensated?.outcome, where).toBe('compensated');
        expect(world.roles.get('db1/doomed'), where).toEqual({ login: true, superuser: true });
        for (const run of runs) {
          outcomes.add(`${run.workflow} ${run.outcome ?? ''}`);
          // Recovery finds the attempt a run waits on as its latest: a run's intent times never tie.
          const intents = (await inner.transaction((tx) => tx.listAttempts(run.id))).map((a) => a.intentAt);
          expect(new Set(intents).size, where).toBe(intents.length);
        }
        await inner.close();
      }
    }
    // Both ways a non-idempotent action ends were reached.
    expect([...outcomes].sort()).toEqual([
      'crash-compensate compensated',
      'crash-rotate-password needs_attention',
      'crash-rotate-password succeeded',
    ]);
  });
});
