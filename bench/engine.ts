/**
 * Engine benchmarks on the embedded store: a SQLite FILE in a temporary directory (WAL,
 * synchronous = NORMAL, as `SqliteStore.open` configures it; never `:memory:`), the SIMULATED
 * sandbox connector, the system clock. Prints one JSON object per scenario, then a summary with
 * every figure, its target and pass/fail; each scenario runs in a process of its own (peak RSS
 * and heap do not carry over). Targets are for a 2-core machine. Not a timed test:
 * it always exits 0 unless a scenario goes wrong (a run that does not succeed, a broken audit
 * chain), or with `--strict` when a target is missed.
 *
 * 1. ingest: `engine.ingestBatch` in batches of 500 against 100 workflows (3 sources, 2 event
 *    types, so each event is checked against the CEL `match` of ~25 of them; most events match
 *    0-2, 1% are redeliveries). Figure: events/s durable, i.e. the
 *    batch's promise resolved after COMMIT (synchronous = NORMAL in WAL: survives a process
 *    crash; an OS crash may lose the last commits, the store's documented trade-off). Ingest is
 *    measured ALONE: the engine is started with `executeRuns: false`, so each event is validated,
 *    stored (deduplicated), matched, decided (pause, exemptions, dedupe, rate limit) and its
 *    runs created with their audit records, exactly as by default, but no run is driven.
 *    Executing runs is what scenarios 2 and 3 measure; mixing them in would measure the
 *    executor's backlog instead of ingest. `enforce` workflows (not `dry-run`): dry-run runs are
 *    driven too, so that would not separate the two.
 * 2. latency: event to first action, enforce mode, a cheap sandbox write (set-access, no
 *    corroborate, no snapshot: `rollback: none`), 2,000 sequential single-event ingests. Figure:
 *    time from the `engine.ingest` call to the connector's handler being entered (the handler is
 *    wrapped), p50 and p99. Each run finishes before the next event.
 * 3. concurrency: 10,000 events, each starting a run (corroborate read, snapshot read, the write,
 *    verify read) whose write waits 5 s (sandbox fault `slow`, delayMs 5000; step timeout 30 s).
 *    Figures: time from the first ingest to the last run finished (all must succeed), and peak
 *    RSS sampled every 50 ms.
 *
 * Run: `npm run bench`, or `npx tsx bench/engine.ts [--only ingest|latency|concurrency]
 * [--events 50000] [--batch 500] [--latency-events 2000] [--runs 10000] [--delay-ms 5000]
 * [--strict] [--no-verify]`. Profile: `node --cpu-prof --import tsx bench/engine.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAudit } from '../src/audit/verify-audit.js';
import { defaultCatalog } from '../src/connectors/catalog.js';
import type { SandboxFaults } from '../src/connectors/sandbox/faults.js';
import { sandboxConnector, type SandboxConnector } from '../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld, type SandboxBucket } from '../src/connectors/sandbox/sandbox-world.js';
import type { ActionHandler, Connector } from '../src/core/catalog/connector.js';
import type { CompiledWorkflow } from '../src/core/compile/compiled-workflow.js';
import { loadDocument } from '../src/core/loader/load-document.js';
import { Engine } from '../src/engine/engine.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { numberFlag } from './stats.js';

const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1];
const strict = process.argv.includes('--strict');
/** Skips verifying the audit chain after each scenario (for profiles of the engine alone). */
const verify = !process.argv.includes('--no-verify');
const ingestEvents = numberFlag('--events', 50_000);
const batchSize = numberFlag('--batch', 500);
const latencyEvents = numberFlag('--latency-events', 2000);
const concurrentRuns = numberFlag('--runs', 10_000);
const delayMs = numberFlag('--delay-ms', 5000);

const catalog = defaultCatalog();
/**
 * CPU time of this process (user + system, every thread: the store's checkpointer too) since
 * `since`, in ms: less sensitive than wall time to other load on the machine.
 */
const cpuMs = (since?: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / 1000);
};
/** The machine's load when a scenario starts: on a shared 2-core machine, figures move with it. */
const load = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

function compile(name: string, yaml: string): CompiledWorkflow {
  const result = loadDocument(`${name}.yaml`, yaml, { catalog });
  if (result.document?.kind !== 'Workflow')
    throw new Error(`${name} did not load: ${JSON.stringify(result.diagnostics[0])}`);
  return result.document.workflow;
}

interface Figure {
  readonly scenario: string;
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly target: string;
  readonly pass: boolean;
}
const figures: Figure[] = [];
function figure(
  scenario: string,
  name: string,
  value: number,
  unit: string,
  target: { atLeast?: number; below?: number },
): Figure {
  const pass =
    (target.atLeast === undefined || value >= target.atLeast) &&
    (target.below === undefined || value < target.below);
  const text = target.atLeast !== undefined ? `>= ${target.atLeast} ${unit}` : `< ${target.below} ${unit}`;
  const entry = { scenario, figure: name, value, unit, target: text, pass };
  figures.push(entry);
  return entry;
}

const workdir = mkdtempSync(join(tmpdir(), 'rectify-bench-engine-'));
let storeCount = 0;
function openStore(): { store: SqliteStore; path: string } {
  const path = join(workdir, `engine-${++storeCount}.db`);
  return { store: SqliteStore.open(path), path };
}

/** The whole audit log verifies: the hash chain, and the head the store keeps beside it. */
async function auditOk(store: SqliteStore): Promise<{ ok: boolean; records: number }> {
  if (!verify) return { ok: true, records: NaN };
  const verdict = await verifyAudit(store, { pageSize: 50_000 });
  return { ok: verdict.ok, records: verdict.records };
}

// ---------------------------------------------------------------------------------------------
// 1. Ingest

const sources = ['scanner-0', 'scanner-1', 'scanner-2'] as const;
const types = ['sandbox.bucket.public', 'sandbox.bucket.changed'] as const;
const teams = 40;

/**
 * Workflow i listens on source i % 3; even ones on both types, odd ones on `public` only. Its
 * match selects one team's buckets (team i % 40), so an event matches at most one of these, and
 * 1 in 6 of them nothing at all; every 25th workflow also takes every critical event of its
 * source (the second match). Dedupe on the resource, a loose rate limit and an exemption make
 * ingest do the queries it does in production.
 */
function ingestWorkflowYaml(i: number): string {
  const types = i % 2 === 0 ? '[sandbox.bucket.public, sandbox.bucket.changed]' : '[sandbox.bucket.public]';
  const team = `team-${i % teams}-`;
  const match =
    i % 25 === 0
      ? `(event.resource.bucket.startsWith("${team}") && event.severity in ["high", "critical"] && event.data.access == "public") || event.severity == "critical"`
      : `event.resource.bucket.startsWith("${team}") && event.severity in ["high", "critical"] && event.data.access == "public"`;
  return `apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: ingest-${i}, owner: team:bench, description: ingest benchmark ${i}, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger:
    source: ${sources[i % 3]}
    types: ${types}
    match: '${match}'
    dedupe: { key: event.resource.id, window: 1h }
  exempt:
    - when: event.resource.tags["exempt"] == "yes"
      reason: benchmark exemption
      owner: team:bench
      until: 2027-01-31
  limits:
    rate: { max: 100000, per: 1h }
    onExceeded: skip
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
`;
}

function ingestEvent(n: number, random: () => number) {
  const team = Math.floor(random() * teams);
  const bucket = `team-${team}-${Math.floor(random() * 2000)}`;
  const roll = random();
  const severity = roll < 0.3 ? 'low' : roll < 0.55 ? 'medium' : roll < 0.95 ? 'high' : 'critical';
  return {
    id: `evt-${n}`,
    source: sources[Math.floor(random() * sources.length)],
    type: types[Math.floor(random() * types.length)],
    time: '2026-11-27T10:00:00Z',
    severity,
    resource: {
      id: `sandbox://bucket/${bucket}`,
      kind: 'sandbox.bucket',
      bucket,
      ...(random() < 0.02 ? { tags: { exempt: 'yes' } } : {}),
    },
    data: { access: random() < 0.85 ? 'public' : 'private', region: 'eu-west-1' },
  };
}

/** A small deterministic generator, so that every run ingests the same events. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function ingestScenario(): Promise<void> {
  const workflows = Array.from({ length: 100 }, (_, i) => compile(`ingest-${i}`, ingestWorkflowYaml(i)));
  const { store } = openStore();
  const engine = await Engine.start({
    store,
    workflows,
    connectors: new Map([['sandbox', sandboxConnector()]]),
    executeRuns: false,
  });
  const random = seeded(42);
  const warmup = Math.min(5000, ingestEvents);
  // 1% redeliveries of an earlier event (same source and id): stored once, answered `duplicate`.
  const events: unknown[] = [];
  for (let n = 0; n < warmup + ingestEvents; n++) {
    const previous = events[n - 1];
    events.push(n > warmup && random() < 0.01 && previous ? previous : ingestEvent(n, random));
  }
  // How many workflows listen to each measured event's source and type: each is a CEL `match`.
  const listening = (event: unknown) => {
    const { source, type } = event as { source: string; type: string };
    return workflows.filter(
      (w) => w.workflow.spec.trigger.source === source && w.workflow.spec.trigger.types.includes(type),
    ).length;
  };
  const candidates = events.slice(warmup).reduce<number>((sum, event) => sum + listening(event), 0);
  const batches: unknown[][] = [];
  for (let i = warmup; i < events.length; i += batchSize) batches.push(events.slice(i, i + batchSize));
  for (let i = 0; i < warmup; i += batchSize)
    await engine.ingestBatch(events.slice(i, Math.min(i + batchSize, warmup)));

  const counts = { accepted: 0, duplicate: 0, rejected: 0, runsCreated: 0, runsNotStarted: 0 };
  const matchedHistogram: Record<string, number> = { '0': 0, '1': 0, '2': 0, '3+': 0 };
  const batchMs: number[] = [];
  const loadAvg1 = load();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  for (const batch of batches) {
    const before = performance.now();
    const results = await engine.ingestBatch(batch);
    batchMs.push(performance.now() - before);
    for (const result of results) {
      counts[result.status]++;
      if (result.status !== 'accepted') continue;
      const key = result.runs.length >= 3 ? '3+' : String(result.runs.length);
      matchedHistogram[key] = (matchedHistogram[key] ?? 0) + 1;
      for (const run of result.runs) {
        if (run.outcome === null) counts.runsCreated++;
        else counts.runsNotStarted++;
      }
    }
  }
  const elapsedMs = performance.now() - started;
  const cpu = cpuMs(cpuStart);
  await engine.stop();
  const audit = await auditOk(store);
  await store.close();
  if (!audit.ok) throw new Error('ingest: the audit chain does not verify');
  const eventsPerSecond = Math.round((ingestEvents / elapsedMs) * 1000);
  const sortedBatches = [...batchMs].sort((a, b) => a - b);
  const result = figure('ingest', 'eventsPerSecond', eventsPerSecond, 'events/s', { atLeast: 20_000 });
  console.log(
    JSON.stringify({
      benchmark: 'engine.ingest',
      definition:
        'engine.ingestBatch on a SQLite file (WAL, synchronous=NORMAL), events/s counted when each batch has committed; engine started with executeRuns: false, so runs are created (status ready) but not driven',
      workflows: workflows.length,
      events: ingestEvents,
      warmupEvents: warmup,
      batchSize,
      ms: round(elapsedMs),
      cpuMs: cpu,
      eventsPerSecond,
      eventsPerCpuSecond: Math.round((ingestEvents / cpu) * 1000),
      batchMsP50: round(percentile(sortedBatches, 50)),
      batchMsP99: round(percentile(sortedBatches, 99)),
      ...counts,
      candidateWorkflowsPerEvent: round(candidates / ingestEvents),
      matchedWorkflowsPerEvent: matchedHistogram,
      auditRecords: audit.records,
      auditChainOk: audit.ok,
      loadAvg1,
      target: result.target,
      pass: result.pass,
      node: process.version,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// 2. Latency

const latencyWorkflow = `apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: latency, owner: team:bench, description: event to first action, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public], match: 'event.resource.bucket.startsWith("latency-")' }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
      rollback: { none: true, reason: benchmark of the first action }
`;

/** The sandbox connector with one handler wrapped: `onEnter` is told when a call enters it. */
function wrapped(sandbox: SandboxConnector, action: string, onEnter: () => void): Connector {
  const inner = sandbox.handlers[action];
  if (!inner) throw new Error(`the sandbox has no ${action}`);
  const handler: ActionHandler = (params, context) => {
    onEnter();
    return inner(params, context);
  };
  return { name: sandbox.name, handlers: { ...sandbox.handlers, [action]: handler } };
}

function bucketEvent(id: string, bucket: string, source = 'scanner') {
  return {
    id,
    source,
    type: 'sandbox.bucket.public',
    time: '2026-11-27T10:00:00Z',
    severity: 'high',
    resource: { id: `sandbox://bucket/${bucket}`, kind: 'sandbox.bucket', bucket },
    data: { access: 'public' },
  };
}

async function latencyScenario(): Promise<void> {
  const { store } = openStore();
  const sandbox = sandboxConnector(new SandboxWorld({ buckets: { 'latency-0': { access: 'public' } } }));
  let entered: (() => void) | undefined;
  const connector = wrapped(sandbox, 'sandbox.bucket.set-access', () => {
    entered?.();
  });
  const engine = await Engine.start({
    store,
    workflows: [compile('latency', latencyWorkflow)],
    connectors: new Map([['sandbox', connector]]),
  });
  const warmup = 200;
  const samples: number[] = [];
  const loadAvg1 = load();
  for (let n = 0; n < warmup + latencyEvents; n++) {
    let enteredAt = 0;
    const reached = new Promise<void>((resolve) => {
      entered = () => {
        enteredAt = performance.now();
        resolve();
      };
    });
    const started = performance.now();
    const result = await engine.ingest(bucketEvent(`lat-${n}`, 'latency-0'));
    if (result.status !== 'accepted' || result.runs.length !== 1)
      throw new Error(`latency: ${JSON.stringify(result)}`);
    await reached;
    if (n >= warmup) samples.push(enteredAt - started);
    // The run finishes before the next event: each sample is one event on an idle engine.
    await engine.idle();
  }
  await engine.stop();
  const runs = await store.transaction((tx) => tx.listRuns({ limit: 100_000 }));
  const succeeded = runs.filter((r) => r.outcome === 'succeeded').length;
  const audit = await auditOk(store);
  await store.close();
  if (succeeded !== warmup + latencyEvents) throw new Error(`latency: ${succeeded} runs succeeded`);
  if (!audit.ok) throw new Error('latency: the audit chain does not verify');
  const sorted = [...samples].sort((a, b) => a - b);
  const p50 = figure('latency', 'p50Ms', round(percentile(sorted, 50), 3), 'ms', { below: 2 });
  const p99 = figure('latency', 'p99Ms', round(percentile(sorted, 99), 3), 'ms', { below: 10 });
  console.log(
    JSON.stringify({
      benchmark: 'engine.latency',
      definition:
        'time from the engine.ingest call to the sandbox handler (set-access, enforce, no corroborate or snapshot) being entered; sequential single-event ingests, each run finished before the next',
      events: latencyEvents,
      warmupEvents: warmup,
      p50Ms: p50.value,
      p90Ms: round(percentile(sorted, 90), 3),
      p99Ms: p99.value,
      maxMs: round(sorted[sorted.length - 1] ?? NaN, 3),
      loadAvg1,
      targets: { p50Ms: p50.target, p99Ms: p99.target },
      pass: p50.pass && p99.pass,
      node: process.version,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// 3. Concurrency

const concurrencyWorkflow = `apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: concurrency, owner: team:bench, description: many slow runs at once, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public], match: 'event.resource.bucket.startsWith("bulk-")' }
  corroborate:
    - check: sandbox.bucket.get
      with: { bucket: "\${{ event.resource.bucket }}" }
      expect: result.access == "public"
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
      timeout: 30s
  verify:
    check: sandbox.bucket.get
    with: { bucket: "\${{ event.resource.bucket }}" }
    expect: result.access == "private"
`;

async function concurrencyScenario(): Promise<void> {
  const { store } = openStore();
  const buckets: Record<string, SandboxBucket> = {};
  for (let i = 0; i < concurrentRuns; i++) buckets[`bulk-${i}`] = { access: 'public' };
  const faults: SandboxFaults = { slow: { actions: ['sandbox.bucket.set-access'], delayMs } };
  const sandbox = sandboxConnector(new SandboxWorld({ buckets }), { faults });
  let waiting = 0;
  let lastEnteredMs = 0;
  let started = 0;
  const connector = wrapped(sandbox, 'sandbox.bucket.set-access', () => {
    waiting++;
    lastEnteredMs = performance.now() - started;
  });
  const engine = await Engine.start({
    store,
    workflows: [compile('concurrency', concurrencyWorkflow)],
    connectors: new Map([['sandbox', connector]]),
  });
  const events = Array.from({ length: concurrentRuns }, (_, i) => bucketEvent(`bulk-${i}`, `bulk-${i}`));

  global.gc?.();
  let peakRss = process.memoryUsage().rss;
  const baselineRss = peakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const loadAvg1 = load();
  const cpuStart = process.cpuUsage();
  started = performance.now();
  for (let i = 0; i < events.length; i += batchSize) await engine.ingestBatch(events.slice(i, i + batchSize));
  const ingestedMs = performance.now() - started;
  await engine.idle();
  const elapsedMs = performance.now() - started;
  const cpu = cpuMs(cpuStart);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await engine.stop();

  const runs = await store.transaction((tx) => tx.listRuns({ limit: concurrentRuns * 2 }));
  const outcomes: Record<string, number> = {};
  for (const run of runs)
    outcomes[run.outcome ?? run.status] = (outcomes[run.outcome ?? run.status] ?? 0) + 1;
  const audit = await auditOk(store);
  await store.close();
  if (outcomes.succeeded !== concurrentRuns || sandbox.world.writes.length !== concurrentRuns)
    throw new Error(
      `concurrency: outcomes ${JSON.stringify(outcomes)}, ${sandbox.world.writes.length} writes`,
    );
  if (!audit.ok) throw new Error('concurrency: the audit chain does not verify');
  const mb = (bytes: number) => round(bytes / 1024 / 1024);
  const total = figure('concurrency', 'totalMs', Math.round(elapsedMs), 'ms', { below: 10_000 });
  const rss = figure('concurrency', 'peakRssMb', mb(peakRss), 'MB', { below: 500 });
  console.log(
    JSON.stringify({
      benchmark: 'engine.concurrency',
      definition: `${concurrentRuns} runs (corroborate, snapshot, write, verify) whose write waits ${delayMs} ms (sandbox fault slow); time from the first ingestBatch to every run finished; RSS sampled every 50 ms`,
      runs: concurrentRuns,
      delayMs,
      batchSize,
      totalMs: total.value,
      cpuMs: cpu,
      ingestedMs: Math.round(ingestedMs),
      lastRunWaitingMs: Math.round(lastEnteredMs),
      handlerCalls: waiting,
      peakRssMb: rss.value,
      baselineRssMb: mb(baselineRss),
      outcomes,
      auditRecords: audit.records,
      auditChainOk: audit.ok,
      loadAvg1,
      targets: { totalMs: total.target, peakRssMb: rss.target },
      pass: total.pass && rss.pass,
      node: process.version,
    }),
  );
}

const scenarios: Record<string, () => Promise<void>> = {
  ingest: ingestScenario,
  latency: latencyScenario,
  concurrency: concurrencyScenario,
};
try {
  if (only !== undefined) {
    const scenario = scenarios[only];
    if (!scenario) throw new Error(`--only takes one of ${Object.keys(scenarios).join(', ')}`);
    await scenario();
  } else {
    // Each scenario in a process of its own: the peak RSS, heap and JIT of one do not carry over.
    const args = process.argv.slice(2).filter((arg) => arg !== '--strict');
    for (const name of Object.keys(scenarios)) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), ...args, '--only', name],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 },
      );
      if (child.status !== 0) throw new Error(`scenario ${name} failed (exit ${String(child.status)})`);
      for (const line of child.stdout.trim().split('\n')) {
        const parsed = JSON.parse(line) as { benchmark: string; figures?: Figure[] };
        if (parsed.benchmark === 'engine') figures.push(...(parsed.figures ?? []));
        else console.log(line);
      }
    }
  }
} finally {
  rmSync(workdir, { recursive: true, force: true });
}
const pass = figures.every((f) => f.pass);
console.log(
  JSON.stringify({
    benchmark: 'engine',
    pass,
    figures,
    store: 'sqlite file, WAL, synchronous=NORMAL',
    cpus: availableParallelism(),
    loadAvg1: load(),
    node: process.version,
  }),
);
if (strict && !pass) process.exitCode = 1;
