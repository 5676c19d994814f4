import { defaultCatalog } from '../../src/connectors/catalog.js';
import { sandboxConnector, type SandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld, type SandboxSeed } from '../../src/connectors/sandbox/sandbox-world.js';
import type { SandboxFaults } from '../../src/connectors/sandbox/faults.js';
import type { Connector } from '../../src/core/catalog/connector.js';
import type { CompiledWorkflow } from '../../src/core/compile/compiled-workflow.js';
import { loadDocument } from '../../src/core/loader/load-document.js';
import { verifyChain, type AuditRecord } from '../../src/audit/audit-record.js';
import { verifyAudit, type AuditVerdict } from '../../src/audit/verify-audit.js';
import { Engine, type EngineOptions } from '../../src/engine/engine.js';
import type { Clock } from '../../src/engine/clock.js';
import type { AttemptRow, RunRow } from '../../src/store/store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export const catalog = defaultCatalog();

export function workflow(yaml: string): CompiledWorkflow {
  const result = loadDocument('test.yaml', yaml, { catalog });
  if (result.document?.kind !== 'Workflow') throw new Error(JSON.stringify(result.diagnostics, null, 1));
  return result.document.workflow;
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private at = Date.parse('2026-11-27T12:00:00Z')) {}
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
  set(at: number): void {
    this.at = at;
  }
}

export interface Harness {
  engine: Engine;
  store: SqliteStore;
  sandbox: SandboxConnector;
  clock: ManualClock;
  /** Errors the engine reported through `onError` (a test asserts there are none). */
  errors: Error[];
  audit(): Promise<AuditRecord[]>;
  /** Every run, oldest first. */
  runs(): Promise<RunRow[]>;
  run(id: string): Promise<RunRow>;
  attempts(runId: string): Promise<AttemptRow[]>;
  /** The whole log: the chain and the head the store keeps. */
  verifyAudit(): Promise<AuditVerdict>;
  /** Moves the clock by `ms`, wakes what is due, and waits for the engine to be idle. */
  advance(ms: number): Promise<void>;
  /**
   * Drives everything to its end, deterministically: waits until idle, then moves the clock to
   * the next timer in the store (settle, retry, verify delay; approval deadlines too) and fires it.
   */
  drain(): Promise<void>;
  /** A sandbox call count by action id (0 when never called). */
  calls(action: string): number;
}

export async function harness(
  workflows: CompiledWorkflow[],
  options: {
    seed?: SandboxSeed;
    faults?: SandboxFaults;
    killSwitch?: boolean;
    clock?: ManualClock;
    /** An existing store: a restarted engine (recovery). */
    store?: SqliteStore;
    /** Replaces the sandbox connector's handlers (a call that hangs, to simulate a crash mid-call). */
    wrap?: (sandbox: SandboxConnector) => Connector;
    /** More engine options (credentials, circuit breaker, observer). */
    engine?: Partial<EngineOptions>;
  } = {},
): Promise<Harness> {
  const store = options.store ?? SqliteStore.open(':memory:');
  const sandbox = sandboxConnector(
    new SandboxWorld(options.seed),
    options.faults ? { faults: options.faults } : {},
  );
  const clock = options.clock ?? new ManualClock();
  const errors: Error[] = [];
  const engine = await Engine.start({
    store,
    workflows,
    connectors: new Map([['sandbox', options.wrap ? options.wrap(sandbox) : sandbox]]),
    clock,
    ...(options.killSwitch !== undefined ? { killSwitch: options.killSwitch } : {}),
    onError: (error) => errors.push(error),
    ...options.engine,
  });
  const h: Harness = {
    engine,
    store,
    sandbox,
    clock,
    errors,
    audit: () => store.transaction((tx) => tx.auditRecords(0, 100_000)),
    runs: async () =>
      (await store.transaction((tx) => tx.listRuns({ limit: 10_000 }))).sort(
        (a, b) => a.eventSeq - b.eventSeq || a.createdAt - b.createdAt,
      ),
    run: async (id) => {
      const run = await store.transaction((tx) => tx.getRun(id));
      if (!run) throw new Error(`no run ${id}`);
      return run;
    },
    attempts: (runId) => store.transaction((tx) => tx.listAttempts(runId)),
    verifyAudit: () => verifyAudit(store),
    advance: async (ms) => {
      await engine.idle();
      clock.advance(ms);
      await engine.runDueTimers();
    },
    drain: async () => {
      for (let i = 0; i < 1000; i++) {
        await engine.idle();
        const next = await store.transaction((tx) => tx.nextWake());
        if (next === null) return;
        if (next > clock.now()) clock.set(next);
        await engine.runDueTimers();
      }
      throw new Error('drain: still timers after 1000 rounds');
    },
    calls: (action) => sandbox.world.calls.get(action) ?? 0,
  };
  return h;
}

export function bucketEvent(id: string, bucket = 'demo-reports', extra: Record<string, unknown> = {}) {
  return {
    id,
    source: 'scanner',
    type: 'sandbox.bucket.public',
    time: '2026-11-27T10:00:00Z',
    severity: 'high',
    resource: { id: `sandbox://bucket/${bucket}`, kind: 'sandbox.bucket', bucket },
    data: { access: 'public' },
    ...extra,
  };
}

export function userEvent(id: string, user = 'app', system = 'redis-main') {
  return {
    id,
    source: 'scanner',
    type: 'sandbox.user.exposed',
    time: '2026-11-27T10:00:00Z',
    severity: 'critical',
    resource: { id: `sandbox://user/${system}/${user}`, kind: 'sandbox.user', system, user },
    data: {},
  };
}

export async function auditVerifies(h: Harness): Promise<boolean> {
  return verifyChain(await h.audit()).ok && (await h.verifyAudit()).ok;
}

/** Polls `condition` (real time, for work under way in a connector) until it holds. */
export async function eventually(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
