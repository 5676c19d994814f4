import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/audit-record.js';
import { SandboxWorld, type SandboxWrite } from '../../src/connectors/sandbox/sandbox-world.js';
import type { RunRow } from '../../src/store/store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import {
  childPath,
  crashEvents,
  crashKinds,
  crashSeed,
  prng,
  type CrashEvent,
  type CrashKind,
} from './crash/scenario.js';

/**
 * The durable engine's crash test: an engine in a child process (crash/child.ts) is SIGKILLed at
 * random points while it ingests 200 events and drives their runs (idempotent and non-idempotent
 * SIMULATED writes, flaky retries, compensation, settle and verify timers), and started again,
 * until every event was acknowledged and enough kills happened; then a last engine runs to idle.
 * The store, the audit log and the sandbox world's journal must then show that no acknowledged
 * event was lost, no non-idempotent action was performed twice, and every run ended.
 *
 * Rerun with the seed it prints (CRASH_SEED=<seed> npx vitest run <this file>) for the same events
 * and kill delays; where exactly a kill lands also depends on timing, so a failure's files are kept
 * (their directory is printed) for a look at the store and the journal.
 */

const eventCount = 200;
/** Kills before the last, unkilled engine: the loop goes on after every event is acknowledged. */
const minKills = 25;
/** Past this, no more kills: the last engine ingests what is left (keeps the test under a minute). */
const killBudgetMs = 40_000;
const maxKills = 120;
const kill = { minMs: 20, maxMs: 400 };

const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface ChildResult {
  readonly lines: string[];
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Runs the engine process; SIGKILLs it `killAfterMs` after it printed `started`, if given. */
function runChild(env: Record<string, string>, killAfterMs: number | undefined): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childPath], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let pending = '';
    let stderr = '';
    // A child that hangs (it must not) is killed, and the test fails on what it said.
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        lines.push(line);
        if (line === 'started' && killAfterMs !== undefined)
          setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ lines, stderr, code, signal });
    });
  });
}

const acks = (result: ChildResult): string[] =>
  result.lines.filter((l) => l.startsWith('acked ')).flatMap((l) => l.slice('acked '.length).split(','));

describe('crash recovery (durable engine)', () => {
  it(`survives SIGKILL at random points over ${eventCount} runs (seed ${seed})`, async () => {
    const started = Date.now();
    const random = prng(seed);
    const dir = mkdtempSync(join(tmpdir(), 'rectify-crash-'));
    const paths = {
      CRASH_DB: join(dir, 'rectify.db'),
      CRASH_JOURNAL: join(dir, 'sandbox.journal'),
      CRASH_EVENTS: join(dir, 'events.json'),
      CRASH_BATCH: '2',
      CRASH_PAUSE_MS: '25',
    };
    const context = `seed ${seed}, files in ${dir}`;
    console.log(`crash-recovery: ${context}`);
    const events = crashEvents(eventCount, random);
    writeFileSync(paths.CRASH_EVENTS, JSON.stringify(events));

    // Kill and restart until every event is acknowledged and enough kills happened.
    const acked = new Set<string>();
    const engineErrors: string[] = [];
    /** Where each kill landed, by the last line the engine wrote. */
    const killedAt = { recovering: 0, ingesting: 0, running: 0 };
    let kills = 0;
    let allAckedAfter: number | undefined;
    for (;;) {
      const first = events.findIndex((e) => !acked.has(e.id));
      const from = first === -1 ? events.length : first;
      if (from === events.length) allAckedAfter ??= kills;
      if ((from === events.length && kills >= minKills) || Date.now() - started > killBudgetMs) break;
      expect(kills, `the loop did not end after ${maxKills} kills (${context})`).toBeLessThan(maxKills);
      const result = await runChild(
        { ...paths, CRASH_FROM: String(from) },
        kill.minMs + Math.floor(random() * (kill.maxMs - kill.minMs + 1)),
      );
      kills++;
      engineErrors.push(...result.stderr.split('\n').filter((l) => l.startsWith('engine-error')));
      expect(result.signal, `engine ${kills} ended by itself: ${result.stderr} (${context})`).toBe('SIGKILL');
      const lastLine = result.lines.at(-1) ?? '';
      killedAt[lastLine === 'started' ? 'recovering' : lastLine === 'ingested' ? 'running' : 'ingesting']++;
      for (const id of acks(result)) acked.add(id);
    }

    // The last engine is not killed: it recovers, ingests what is left (if the time ran out), and
    // runs to idle.
    const left = events.findIndex((e) => !acked.has(e.id));
    const last = await runChild(
      { ...paths, CRASH_FROM: String(left === -1 ? eventCount : left), CRASH_FINAL: '1' },
      undefined,
    );
    for (const id of acks(last)) acked.add(id);
    engineErrors.push(...last.stderr.split('\n').filter((l) => l.startsWith('engine-error')));
    expect(last.code, `the last engine failed: ${last.stderr} (${context})`).toBe(0);
    expect(last.lines, context).toContain('idle 0');
    expect(engineErrors, context).toEqual([]);

    // No acknowledged event lost; each stored once, with exactly one run.
    const raw = new Database(paths.CRASH_DB, { readonly: true });
    const storedEvents = raw.prepare('SELECT seq, id FROM events').all() as { seq: number; id: string }[];
    raw.close();
    const idBySeq = new Map(storedEvents.map((e) => [e.seq, e.id]));
    expect(acked.size, context).toBe(eventCount);
    expect(storedEvents.length, context).toBe(eventCount);
    const storedIds = new Set(idBySeq.values());
    expect(
      [...acked].filter((id) => !storedIds.has(id)),
      `acknowledged events lost (${context})`,
    ).toEqual([]);

    const store = SqliteStore.open(paths.CRASH_DB);
    const { runs, attempts, audit, head } = await store.transaction(async (tx) => {
      const runs = await tx.listRuns({ limit: 10 * eventCount });
      const attempts = new Map(
        await Promise.all(runs.map(async (run) => [run.id, await tx.listAttempts(run.id)] as const)),
      );
      return {
        runs,
        attempts,
        audit: await tx.auditRecords(0, 10_000_000),
        head: await tx.getSetting('audit.head'),
      };
    });
    await store.close();
    const world = new SandboxWorld(crashSeed(events), { journal: paths.CRASH_JOURNAL });
    world.close();

    const eventById = new Map(events.map((e) => [e.id, e]));
    const runByEvent = new Map<string, RunRow>();
    for (const run of runs) {
      const id = idBySeq.get(run.eventSeq) ?? '(no event)';
      expect(runByEvent.has(id), `two runs for event ${id} (${context})`).toBe(false);
      runByEvent.set(id, run);
    }
    expect(runByEvent.size, context).toBe(eventCount);

    // Every run ended: a terminal outcome or needs_attention, nothing left sleeping or running.
    for (const run of runs)
      expect({ run: run.id, status: run.status, done: run.outcome !== null }, context).toEqual({
        run: run.id,
        status: 'done',
        done: true,
      });

    // What each run did, judged against the world's journal (the system that survived the kills).
    const writesOf = (action: string, params: Record<string, string>): SandboxWrite[] =>
      world.writes.filter(
        (w) => w.action === action && Object.entries(params).every(([k, v]) => w.params[k] === v),
      );
    const outcomes: Record<string, number> = {};
    /** Rotations a person must check: had the interrupted one taken effect? */
    const needsAttention = { performed: 0, notPerformed: 0 };
    let idempotentWrites = 0;
    let minimumIdempotentWrites = 0;
    for (const [id, run] of runByEvent) {
      const event = eventById.get(id) as CrashEvent;
      const kind = event.data.kind as CrashKind;
      const r = event.resource;
      const where = `run ${run.id} (${kind}, event ${id}, ${run.outcome ?? ''}: ${run.reason ?? ''}; ${context})`;
      expect(run.workflow, where).toBe(crashKinds[kind].workflow);
      outcomes[`${run.workflow} ${run.outcome ?? ''}`] =
        (outcomes[`${run.workflow} ${run.outcome ?? ''}`] ?? 0) + 1;
      switch (kind) {
        case 'close':
        case 'verify': {
          const bucket = r.bucket ?? '';
          expect(['succeeded', 'failed'], where).toContain(run.outcome);
          if (run.outcome === 'succeeded') {
            expect(world.buckets.get(bucket)?.access, where).toBe('private');
            minimumIdempotentWrites++;
          }
          // Failing is allowed only when the injected flaky failures outlasted the retries.
          if (run.outcome === 'failed') expect(run.reason, where).toMatch(/after 8 attempt.*injected flaky/);
          idempotentWrites += writesOf('sandbox.bucket.set-access', { bucket }).length;
          break;
        }
        case 'rotate': {
          // Non-idempotent: performed at most once, never re-issued; performed means the run succeeded
          // or a person was asked to check.
          const user = { system: r.system ?? '', user: r.user ?? '' };
          const performed = writesOf('sandbox.user.rotate-password', user).length;
          const issued = (attempts.get(run.id) ?? []).filter((a) => a.purpose === 'step').length;
          expect({ performed: performed <= 1, issued: issued <= 1 }, where).toEqual({
            performed: true,
            issued: true,
          });
          expect(['succeeded', 'needs_attention'], where).toContain(run.outcome);
          if (run.outcome === 'succeeded') expect(performed, where).toBe(1);
          // needs_attention only where the engine could not know: the rotation's result was never recorded.
          if (run.outcome === 'needs_attention') {
            expect(
              (attempts.get(run.id) ?? []).map((a) => a.result?.error ?? 'recorded'),
              where,
            ).toEqual([expect.stringMatching(/^interrupted/)]);
            needsAttention[performed === 1 ? 'performed' : 'notPerformed']++;
          }
          expect(world.users.get(`${user.system}/${user.user}`)?.passwordVersion, where).toBe(1 + performed);
          break;
        }
        case 'compensate': {
          const role = { database: r.database ?? '', role: r.role ?? '' };
          const state = world.roles.get(`${role.database}/${role.role}`);
          const logins = writesOf('sandbox.role.set-login', role).map((w) => w.params.login);
          idempotentWrites += logins.length + writesOf('sandbox.role.set-superuser', role).length;
          minimumIdempotentWrites += 2;
          if (role.role === 'doomed') {
            // The demotion always fails: the lock was undone from its snapshot.
            expect(run.outcome, where).toBe('compensated');
            expect(state, where).toEqual({ login: true, superuser: true });
            expect(logins.at(-1), where).toBe(true);
            expect(logins.slice(0, -1), where).toContain(false);
          } else {
            expect(run.outcome, where).toBe('succeeded');
            expect(state, where).toEqual({ login: false, superuser: false });
          }
          break;
        }
        case 'settle': {
          const user = { system: r.system ?? '', user: r.user ?? '' };
          expect(run.outcome, where).toBe('succeeded');
          expect(world.users.get(`${user.system}/${user.user}`)?.enabled, where).toBe(false);
          idempotentWrites += writesOf('sandbox.user.set-enabled', user).length;
          minimumIdempotentWrites++;
          break;
        }
      }
    }

    // The audit log verifies, its head is the last record, and every run finished exactly once.
    const verdict = verifyChain(audit);
    expect(verdict, context).toMatchObject({ ok: true });
    const lastRecord = audit.at(-1);
    expect(head, context).toBe(lastRecord && `${lastRecord.seq}:${lastRecord.hash}`);
    const finished = new Map<string, unknown[]>();
    for (const record of audit)
      if (record.kind === 'run.finished' && record.runId)
        finished.set(record.runId, [...(finished.get(record.runId) ?? []), record.data.outcome]);
    for (const run of runs)
      expect(finished.get(run.id), `run.finished of ${run.id} (${context})`).toEqual([run.outcome]);

    // The kills did land while actions were under way (intent recorded, no result).
    const interrupted = audit.filter((r) => r.kind === 'action.interrupted').length;
    expect(interrupted, context).toBeGreaterThan(0);
    console.log(
      `crash-recovery: seed ${seed}: ${kills} kills (${killedAt.recovering} while starting or recovering, ` +
        `${killedAt.ingesting} while ingesting, ${killedAt.running} after), every event acknowledged after ` +
        `${allAckedAfter ?? kills} kills, ${acked.size} events, ` +
        `${runs.length} runs, ${interrupted} actions interrupted, ` +
        `${idempotentWrites - minimumIdempotentWrites} idempotent writes re-issued, ` +
        `needs_attention on ${needsAttention.performed} rotations that took effect and ` +
        `${needsAttention.notPerformed} that did not, ${audit.length} audit records, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s\n${Object.entries(outcomes)
          .sort()
          .map(([k, n]) => `  ${k}: ${n}`)
          .join('\n')}`,
    );
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
