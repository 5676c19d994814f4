/**
 * The engine process of the crash-recovery test (crash-recovery.test.ts), which SIGKILLs it at
 * random points and starts it again. Run as `node --import tsx child.ts`; configured by the
 * environment:
 *
 * - CRASH_DB: the SQLite store (a file); CRASH_JOURNAL: the sandbox world's journal;
 * - CRASH_EVENTS: a JSON file of events; CRASH_FROM: the index of the first one not yet
 *   acknowledged; CRASH_BATCH, CRASH_PAUSE_MS: events per `ingestBatch`, pause between batches;
 * - CRASH_FINAL=1: after ingesting, run until idle (timers included), then exit.
 *
 * It writes to stdout, one line each: `started` (modules loaded), `recovered` (Engine.start
 * resolved), `acked <id>,<id>,...` ONLY after `ingestBatch` resolved (those events are durable),
 * `ingested`, and in the final mode `idle <runs not done>`. Engine errors go to stderr as
 * `engine-error ...`; the test fails on any.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { sandboxConnector } from '../../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld } from '../../../src/connectors/sandbox/sandbox-world.js';
import { Engine } from '../../../src/engine/engine.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { crashFaults, crashSeed, loadCrashWorkflows, type CrashEvent } from './scenario.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

// Pipes are synchronous on Linux: once this returns, the line is the parent's even if we die.
const say = (line: string) => process.stdout.write(`${line}\n`);

const events = JSON.parse(readFileSync(required('CRASH_EVENTS'), 'utf8')) as CrashEvent[];
const from = Number(process.env.CRASH_FROM ?? '0');
const batch = Number(process.env.CRASH_BATCH ?? '3');
const pauseMs = Number(process.env.CRASH_PAUSE_MS ?? '20');
const final = process.env.CRASH_FINAL === '1';
const workflows = loadCrashWorkflows();
say('started');

const store = SqliteStore.open(required('CRASH_DB'));
const world = new SandboxWorld(crashSeed(events), { journal: required('CRASH_JOURNAL') });
const engine = await Engine.start({
  store,
  workflows,
  connectors: new Map([['sandbox', sandboxConnector(world, { faults: crashFaults })]]),
  onError: (error, context) =>
    process.stderr.write(`engine-error ${context}: ${error.stack ?? error.message}\n`),
});
say('recovered');

for (let index = from; index < events.length; index += batch) {
  const slice = events.slice(index, index + batch);
  const results = await engine.ingestBatch(slice);
  const refused = results.filter((r) => r.status === 'rejected');
  if (refused.length > 0) throw new Error(`events refused: ${JSON.stringify(refused)}`);
  say(`acked ${slice.map((e) => e.id).join(',')}`);
  await sleep(pauseMs);
}
say('ingested');

if (final) {
  await engine.idle({ timers: true });
  const unfinished = await store.transaction((tx) => tx.unfinishedRuns());
  say(`idle ${unfinished.length}`);
  await engine.stop();
  await store.close();
  world.close();
} else {
  // The engine's timers do not hold the process open; this does, until the test kills it.
  setInterval(() => undefined, 60_000);
}
