import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOutcomes } from '../../src/core/types.js';
import { parseJsonText } from '../../src/cli/json-text.js';
import { defaultStoreUrl, resolveStoreUrl } from '../../src/cli/store-url.js';
import { failureOutcomes, nonFailureOutcomes } from '../../src/cli/timeline.js';
import { runCli } from '../helpers/run-cli.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const workspaces: string[] = [];

/** A temporary folder holding a copy of examples/: each test's store lives under it. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-run-'));
  workspaces.push(dir);
  cpSync(examples, join(dir, 'examples'), { recursive: true });
  return dir;
}

afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

const sandboxEvent = 'examples/events/sandbox-public-bucket.json';
const config = ['--config', 'examples/rectify.yaml'];

interface JsonRun {
  id: string;
  workflow: string;
  outcome: string | null;
  status: string;
  reason: string | null;
  attempts: { purpose: string; action: string; simulated: boolean; result: { ok: boolean } | null }[];
  audit: { seq: number; kind: string; data: Record<string, unknown> }[];
}

describe('rectify run', () => {
  it('runs the sandbox quickstart to succeeded and prints its timeline', async () => {
    const cwd = workspace();
    const run = await runCli(['run', '--event', sandboxEvent, ...config], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/^run_\S+ {2}sandbox-public-bucket {2}\(enforce\) {2}succeeded$/m);
    expect(out).toContain('all steps done and verified');
    // The timeline, in order: corroborate, snapshot, the write, verify, finished.
    const order = [
      /event\.accepted +event #1 sandbox\/sandbox-demo-0001/,
      /run\.created +workflow sandbox-public-bucket/,
      /action\.intent +corroborate\[0\]: sandbox\.bucket\.get \[SIMULATED\] \{"bucket":"demo-reports"\}/,
      /action\.result +corroborate\[0\]: sandbox\.bucket\.get \[SIMULATED\] ok \{"bucket":"demo-reports","exists":true,"access":"public"\}/,
      /action\.intent +snapshot for make-private: sandbox\.bucket\.get \[SIMULATED\]/,
      /action\.intent +step make-private: sandbox\.bucket\.set-access \[SIMULATED\] write \{"bucket":"demo-reports","access":"private"\}/,
      /action\.result +step make-private: sandbox\.bucket\.set-access \[SIMULATED\] ok \{"bucket":"demo-reports","exists":true,"access":"private"\}/,
      /run\.sleeping +until \S+ \(verify-delay\)/,
      /action\.intent +verify: sandbox\.bucket\.get \[SIMULATED\]/,
      /action\.result +verify: sandbox\.bucket\.get \[SIMULATED\] ok \{"bucket":"demo-reports","exists":true,"access":"private"\}/,
      /run\.finished +succeeded: all steps done and verified/,
    ];
    let from = 0;
    for (const pattern of order) {
      const match = pattern.exec(out.slice(from));
      expect(match, String(pattern)).not.toBeNull();
      from += (match?.index ?? 0) + (match?.[0].length ?? 0);
    }
    expect(out).toMatch(/^ +\+\d+\.\d{3}s {2}action\.intent/m);
    expect(out).toContain('1 run(s): 1 succeeded');
    // The config's store, read from the config's folder.
    expect(existsSync(join(cwd, 'examples', '.rectify', 'rectify.db'))).toBe(true);
    expect(existsSync(join(cwd, 'examples', '.rectify', 'rectify.db.lock'))).toBe(false);
  });

  it('uses ./rectify.yaml when no config is named, and prints runs, attempts and audit as JSON', async () => {
    const cwd = join(workspace(), 'examples');
    const run = await runCli(['run', '--event', 'events/sandbox-public-bucket.json', '--format', 'json'], {
      cwd,
    });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      version: number;
      events: unknown[];
      runs: JsonRun[];
      timedOut: boolean;
    };
    expect(doc.version).toBe(1);
    expect(doc.timedOut).toBe(false);
    expect(doc.events).toEqual([{ status: 'accepted', seq: 1, runs: [doc.runs[0]?.id] }]);
    const [only] = doc.runs;
    expect(only).toMatchObject({ workflow: 'sandbox-public-bucket', status: 'done', outcome: 'succeeded' });
    expect(only?.attempts.map((a) => [a.purpose, a.action, a.simulated, a.result?.ok])).toEqual([
      ['corroborate', 'sandbox.bucket.get', true, true],
      ['snapshot', 'sandbox.bucket.get', true, true],
      ['step', 'sandbox.bucket.set-access', true, true],
      ['verify', 'sandbox.bucket.get', true, true],
    ]);
    expect(only?.audit.map((a) => a.kind)).toEqual([
      'event.accepted',
      'run.created',
      'action.intent',
      'action.result',
      'action.intent',
      'action.result',
      'action.intent',
      'action.result',
      'run.sleeping',
      'action.intent',
      'action.result',
      'run.finished',
      'notification.queued',
    ]);
    expect(existsSync(join(cwd, '.rectify', 'rectify.db'))).toBe(true);
  });

  it('fails a run whose credential secret is not set, saying which, before calling the system, and exits 1', async () => {
    const cwd = workspace();
    // The example settles for 30s before acting; the test does not wait that long.
    const file = join(cwd, 'examples', 'workflows', 'pg-revoke-public-create.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {4}settle: 30s.*$/m, ''));
    const run = await runCli(
      ['run', '--event', 'examples/events/pg-revoke-public-create.json', ...config, '--format', 'json'],
      { cwd },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'note: pg-revoke-public-create acts with credential pg-schema-remediator: env:PG_SCHEMA_REMEDIATOR_URL: the environment variable PG_SCHEMA_REMEDIATOR_URL is not set',
    );
    const doc = JSON.parse(run.stdout) as { runs: JsonRun[] };
    const [failed] = doc.runs;
    expect(failed).toMatchObject({ workflow: 'pg-revoke-public-create', outcome: 'failed' });
    expect(failed?.reason).toContain('credential pg-schema-remediator is not available');
    // It failed on its first action, a read, refused before any connection: nothing beyond it.
    expect(failed?.attempts.map((a) => [a.purpose, a.action])).toEqual([
      ['corroborate', 'postgres.schema.privileges'],
    ]);
  });

  it('reports a run still sleeping at --timeout as unfinished (exit 1), stored for later', async () => {
    const cwd = workspace();
    const run = await runCli(
      ['run', '--event', 'examples/events/pg-revoke-public-create.json', ...config, '--timeout', '200ms'],
      { cwd },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/pg-revoke-public-create {2}\(enforce\) {2}sleeping/);
    expect(run.stdout).toMatch(/run\.sleeping +until \S+ \(settle\)/);
    expect(run.stderr).toMatch(
      /timed out after 200ms: run_\S+ is sleeping until .*resumes the next time an engine starts/,
    );
  });

  it('says so when the event was already received, and processes it once', async () => {
    const cwd = workspace();
    expect((await runCli(['run', '--event', sandboxEvent, ...config], { cwd })).code).toBe(0);
    const again = await runCli(['run', '--event', sandboxEvent, ...config], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already received as event #1; an event is processed once');
  });

  it('ingests an array of events in one batch; a second event for the same bucket is deduplicated', async () => {
    const cwd = workspace();
    const event = JSON.parse(readFileSync(join(cwd, sandboxEvent), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(cwd, 'batch.json'), JSON.stringify([event, { ...event, id: 'sandbox-demo-0002' }]));
    const run = await runCli(['run', '--event', 'batch.json', ...config, '--format', 'json'], { cwd });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { runs: JsonRun[] };
    expect(doc.runs.map((r) => r.outcome).sort()).toEqual(['deduplicated', 'succeeded']);
  });

  it('refuses to run when a file does not load, and touches no store', async () => {
    const cwd = workspace();
    const file = join(cwd, 'examples', 'workflows', 'sandbox-public-bucket.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'action: sandbox.bucket.set-access',
        'action: sandbox.bucket.set-acess',
      ),
    );
    const run = await runCli(['run', '--event', sandboxEvent, ...config], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/sandbox-public-bucket\.yaml:\d+:\d+ error unknown-action/);
    expect(run.stderr).toContain('refusing to run: 1 file(s) do not load');
    expect(run.stdout).toBe('');
    expect(existsSync(join(cwd, 'examples', '.rectify'))).toBe(false);
  });

  it('refuses to run a workflow with blocking review findings, and prints them', async () => {
    const cwd = workspace();
    const file = join(cwd, 'examples', 'workflows', 'sandbox-public-bucket.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/^ {2}limits:\n(?: {4}.*\n)+/m, ''));
    const run = await runCli(['run', '--event', sandboxEvent, ...config], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('resilience/no-limits');
    expect(run.stderr).toMatch(/refusing to run: the review has \d+ blocking finding\(s\)/);
    expect(existsSync(join(cwd, 'examples', '.rectify'))).toBe(false);
  });

  it('rejects a file that is not JSON with exit 3 and the position', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'bad.json'), '{\n  "id": "x",\n  "source" "sandbox"\n}\n');
    const run = await runCli(['run', '--event', 'bad.json', ...config], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'bad.json:3:12 error not valid JSON: unexpected character "\\"": \':\' was expected',
    );
  });

  it('rejects an event that is not a valid envelope with exit 1, naming the field; nothing is ingested', async () => {
    const cwd = workspace();
    const event = JSON.parse(readFileSync(join(cwd, sandboxEvent), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(cwd, 'bad-event.json'), JSON.stringify({ ...event, time: 'yesterday', resource: {} }));
    const run = await runCli(['run', '--event', 'bad-event.json', ...config], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad-event\.json error time: /);
    expect(run.stderr).toMatch(/bad-event\.json error resource\.id: /);
    expect(run.stderr).toContain('no event was ingested');
    expect(existsSync(join(cwd, 'examples', '.rectify'))).toBe(false);
  });

  it('explains that an Alertmanager webhook body is not an event envelope', async () => {
    const cwd = workspace();
    const run = await runCli(['run', '--event', 'examples/events/alertmanager-webhook.json', ...config], {
      cwd,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('this looks like an Alertmanager webhook body');
  });

  it('says which store URLs this build opens', async () => {
    const cwd = workspace();
    const flag = await runCli(
      ['run', '--event', sandboxEvent, ...config, '--store', 'postgres://u:secret@db/rectify'],
      {
        cwd,
      },
    );
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(
      '--store: postgres stores arrive with the multi-node store; use sqlite:PATH',
    );
    expect(flag.stderr).not.toContain('secret');
    const file = join(cwd, 'examples', 'rectify.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('store: sqlite:.rectify/rectify.db', 'store: postgres://db/rectify'),
    );
    const fromConfig = await runCli(['run', '--event', sandboxEvent, ...config], { cwd });
    expect(fromConfig.code).toBe(1);
    expect(fromConfig.stderr).toContain(
      "the config's `store`: postgres stores arrive with the multi-node store",
    );
  });

  it('uses --workflows and --store without a config', async () => {
    const cwd = workspace();
    const run = await runCli(
      ['run', '--event', sandboxEvent, '--workflows', 'examples/workflows', '--store', 'sqlite:state/r.db'],
      { cwd },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('succeeded');
    expect(existsSync(join(cwd, 'state', 'r.db'))).toBe(true);
  });

  it('asks for workflows when there is neither a config nor --workflows', async () => {
    const cwd = workspace();
    const run = await runCli(['run', '--event', sandboxEvent], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('which workflows?');
  });

  it('refuses a store another live process runs an engine on', async () => {
    const cwd = workspace();
    const lock = join(cwd, 'examples', '.rectify', 'rectify.db.lock');
    await runCli(['run', '--event', sandboxEvent, ...config], { cwd });
    writeFileSync(lock, `${process.pid}\n`);
    const run = await runCli(['run', '--event', sandboxEvent, ...config], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`another Rectify process (pid ${process.pid}) is running an engine`);
    rmSync(lock);
  });

  it('rejects a bad --timeout and a missing event file', async () => {
    const cwd = workspace();
    expect((await runCli(['run', '--event', sandboxEvent, '--timeout', 'soon'], { cwd })).code).toBe(2);
    const missing = await runCli(['run', '--event', 'nope.json', ...config], { cwd });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('event file nope.json: no such file');
  });
});

describe('help', () => {
  it('prints help for run, runs and audit with exit 0', async () => {
    for (const command of [
      ['run'],
      ['runs', 'list'],
      ['runs', 'show'],
      ['audit', 'verify'],
      ['audit', 'export'],
    ]) {
      const run = await runCli([...command, '--help']);
      expect(run.code, command.join(' ')).toBe(0);
      expect(run.stdout, command.join(' ')).toContain(`Usage: rectify ${command.join(' ')}`);
    }
  });

  it('exits 2 for an unknown subcommand, without leaving the process', async () => {
    const run = await runCli(['runs', 'lst']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('(Did you mean list?)');
  });
});

describe('the exit-code table of rectify run', () => {
  it('classes every outcome exactly once', () => {
    expect([...nonFailureOutcomes, ...failureOutcomes].sort()).toEqual([...runOutcomes].sort());
    expect(nonFailureOutcomes.filter((o) => failureOutcomes.includes(o))).toEqual([]);
  });
});

describe('store URL resolution', () => {
  it('prefers --store, then the config (from its folder), then the default (from the working folder)', () => {
    const cwd = '/work/here';
    const config = { url: 'sqlite:state/r.db', file: '/etc/rectify/rectify.yaml' };
    expect(resolveStoreUrl({ flag: 'sqlite:x.db', config, cwd })).toMatchObject({
      ok: true,
      location: { path: '/work/here/x.db', origin: '--store' },
    });
    expect(resolveStoreUrl({ config, cwd })).toMatchObject({
      ok: true,
      location: { path: '/etc/rectify/state/r.db', origin: 'config' },
    });
    expect(resolveStoreUrl({ cwd })).toMatchObject({
      ok: true,
      location: {
        url: defaultStoreUrl,
        path: '/work/here/.rectify/rectify.db',
        display: '.rectify/rectify.db',
      },
    });
    expect(resolveStoreUrl({ flag: 'sqlite:///var/lib/r.db', cwd })).toMatchObject({
      ok: true,
      location: { path: '/var/lib/r.db' },
    });
    expect(resolveStoreUrl({ flag: 'sqlite::memory:', cwd })).toMatchObject({
      ok: true,
      location: { path: ':memory:' },
    });
  });

  it('refuses other stores with a clear reason', () => {
    expect(resolveStoreUrl({ flag: 'postgresql://db/r', cwd: '/' })).toMatchObject({
      ok: false,
      exitCode: 2,
    });
    expect(resolveStoreUrl({ flag: 'mysql://u:p@db/r', cwd: '/' })).toEqual({
      ok: false,
      exitCode: 2,
      message:
        '--store: "mysql:" stores are not supported; use sqlite:PATH (for example sqlite:.rectify/rectify.db)',
    });
    expect(resolveStoreUrl({ flag: 'rectify.db', cwd: '/' })).toMatchObject({ ok: false });
    expect(resolveStoreUrl({ flag: 'sqlite:', cwd: '/' })).toMatchObject({ ok: false });
  });
});

describe('JSON positions', () => {
  it.each([
    ['{"a": 1,}', 1, 9, 'a property name'],
    ['[1, 2', 1, 6, 'unexpected end of input'],
    ['{\n  "a": tru\n}', 2, 8, 'a value was expected'],
    ['{"a": "x\ny"}', 1, 9, 'control character'],
    ['{} {}', 1, 4, 'after the end of the JSON value'],
    ['', 1, 1, 'unexpected end of input'],
    ['\uFEFF{"a": 01}', 1, 8, "',' or '}'"],
  ])('%j fails at %i:%i', (text, line, column, message) => {
    const parsed = parseJsonText(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect([parsed.error.line, parsed.error.column]).toEqual([line, column]);
    expect(parsed.error.message).toContain(message);
  });

  it('parses JSON with a byte-order mark', () => {
    expect(parseJsonText('\uFEFF[1]')).toEqual({ ok: true, value: [1] });
  });
});
