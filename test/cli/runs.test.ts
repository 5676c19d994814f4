import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');
let root = '';
/** The examples folder of the copy: its rectify.yaml names the store, `.rectify/rectify.db`. */
let cwd = '';
let succeeded = '';
let deduplicated = '';

interface JsonRun {
  id: string;
  workflow: string;
  outcome: string;
  status: string;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rectify-runs-'));
  cpSync(examples, join(root, 'examples'), { recursive: true });
  cwd = join(root, 'examples');
  const event = JSON.parse(readFileSync(join(cwd, 'events', 'sandbox-public-bucket.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  writeFileSync(join(root, 'second.json'), JSON.stringify({ ...event, id: 'sandbox-demo-0002' }));
  const first = await runCli(['run', '--event', 'events/sandbox-public-bucket.json', '--format', 'json'], {
    cwd,
  });
  const second = await runCli(['run', '--event', '../second.json', '--format', 'json'], { cwd });
  succeeded = (JSON.parse(first.stdout) as { runs: JsonRun[] }).runs[0]?.id ?? '';
  deduplicated = (JSON.parse(second.stdout) as { runs: JsonRun[] }).runs[0]?.id ?? '';
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('rectify runs list', () => {
  it('lists the runs of the store, newest first', async () => {
    const run = await runCli(['runs', 'list'], { cwd });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^RUN +CREATED +WORKFLOW +MODE +OUTCOME +REASON$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${deduplicated} .* sandbox-public-bucket +enforce +deduplicated +a run for the same key`),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${succeeded} .* sandbox-public-bucket +enforce +succeeded +all steps done and verified$`),
    );
  });

  it('filters by outcome and workflow, limits, and prints JSON', async () => {
    const byOutcome = await runCli(['runs', 'list', '--outcome', 'succeeded', '--format', 'json'], { cwd });
    expect(byOutcome.code).toBe(0);
    const doc = JSON.parse(byOutcome.stdout) as { version: number; runs: JsonRun[] };
    expect(doc.version).toBe(1);
    expect(doc.runs.map((r) => [r.id, r.outcome, r.status])).toEqual([[succeeded, 'succeeded', 'done']]);
    const none = await runCli(['runs', 'list', '--workflow', 'pg-revoke-public-create'], { cwd });
    expect(none.stdout).toContain('no runs with workflow pg-revoke-public-create in .rectify/rectify.db');
    const limited = await runCli(['runs', 'list', '--limit', '1', '--format', 'json'], { cwd });
    expect((JSON.parse(limited.stdout) as { runs: JsonRun[] }).runs.map((r) => r.id)).toEqual([deduplicated]);
  });

  it('reads the store named by --store or by the config, from anywhere', async () => {
    const byFlag = await runCli(['runs', 'list', '--store', 'sqlite:examples/.rectify/rectify.db'], {
      cwd: root,
    });
    expect(byFlag.stdout).toContain(succeeded);
    const byConfig = await runCli(['runs', 'list', '--config', 'examples/rectify.yaml'], { cwd: root });
    expect(byConfig.stdout).toContain(succeeded);
    const byEnv = await runCli(['runs', 'list'], {
      cwd: root,
      env: { NO_COLOR: '1', RECTIFY_CONFIG: join(cwd, 'rectify.yaml') },
    });
    expect(byEnv.stdout).toContain(succeeded);
  });

  it('never creates a store where there is none (exit 3)', async () => {
    const run = await runCli(['runs', 'list'], { cwd: root });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no store at .rectify/rectify.db');
  });

  it('rejects a bad --limit and an unknown outcome (exit 2)', async () => {
    expect((await runCli(['runs', 'list', '--limit', '0'], { cwd })).code).toBe(2);
    const outcome = await runCli(['runs', 'list', '--outcome', 'won'], { cwd });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('Allowed choices are succeeded');
  });
});

describe('rectify runs show', () => {
  it("prints a run's timeline", async () => {
    const run = await runCli(['runs', 'show', succeeded], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^${succeeded} {2}sandbox-public-bucket {2}\\(enforce\\) {2}succeeded$`, 'm'),
    );
    expect(run.stdout).toMatch(
      /action\.intent +step make-private: sandbox\.bucket\.set-access \[SIMULATED\] write/,
    );
    expect(run.stdout).toMatch(/run\.finished +succeeded: all steps done and verified/);
  });

  it('prints the run with its attempts and audit records as JSON', async () => {
    const run = await runCli(['runs', 'show', succeeded, '--format', 'json'], { cwd });
    const doc = JSON.parse(run.stdout) as {
      run: JsonRun & { attempts: { purpose: string }[]; audit: { kind: string; runId: string | null }[] };
    };
    expect(doc.run.attempts.map((a) => a.purpose)).toEqual(['corroborate', 'snapshot', 'step', 'verify']);
    expect(doc.run.audit[0]).toMatchObject({ kind: 'event.accepted', runId: null });
    expect(doc.run.audit.slice(1).every((a) => a.runId === succeeded)).toBe(true);
  });

  it('says when there is no such run (exit 1)', async () => {
    const run = await runCli(['runs', 'show', 'run_nope'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no run run_nope in .rectify/rectify.db');
  });
});
