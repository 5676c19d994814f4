/**
 * Server benchmark: single-event authenticated POSTs to `rectify serve` on the embedded SQLite
 * store (a file in a temporary folder, WAL), measured with autocannon, and a bare Fastify
 * hello-world measured the same way in the same run, for the ratio. Each server runs in a child
 * process of its own (`node dist/...`: run `npm run build` first); autocannon runs here, so the
 * load generator does not share an event loop with the server it measures (it does share the
 * machine's 2 cores, for both servers alike).
 *
 * Scenarios (each prints one JSON object, then a summary with targets):
 * - hello: GET / on bare Fastify 5 (`{ hello: 'world' }`), no logging.
 * - ingest: POST /v1/sources/bench/events with `Authorization: Bearer <token>`, one event per
 *   request, each a new event id (so none is a duplicate), of a type that one workflow listens
 *   to but whose `match` is false: the full path of an event (auth, adapter, validation, durable
 *   insert with group commit, match, audit record) without starting runs.
 * - ingest+runs: the same, but every event matches a sandbox workflow (SIMULATED) in `dry-run`
 *   mode: each 202 also creates a run that the engine drives in the same process (its
 *   corroborate read does not hold on the empty simulated world, so each run ends `skipped` after
 *   one read and its audit records).
 *
 * Targets (issue 5): ingest >= 15,000 events/s and ingest / hello >= 0.3.
 * Each measurement follows an unmeasured warm-up of `--warmup` seconds against the same server.
 * Run: `npm run build && npx tsx bench/server.ts [--duration 10] [--warmup 3] [--connections 50] [--strict]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const duration = flag('duration', 10);
const connections = flag('connections', 50);
const warmup = flag('warmup', 3);
const strict = argv.includes('--strict');

if (!existsSync(join(root, 'dist/cli/main.js'))) {
  process.stderr.write('bench/server.ts runs the built CLI: run `npm run build` first\n');
  process.exit(2);
}

const token = 'bench-source-token-0123456789abcdef';

function config(dir: string): string {
  mkdirSync(join(dir, 'workflows'));
  const workflowFor = (name: string, type: string, match: string, mode: string) => `apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: ${name}, owner: team:bench, description: benchmark, reviewBy: 2099-01-01 }
spec:
  mode: ${mode}
  credentials: sandbox-bench
  trigger:
    source: bench
    types: [${type}]
    match: ${match}
  limits: { concurrency: 100000, rate: { max: 10000000, per: 1m }, blastRadius: { max: 10000000, per: 1m }, onExceeded: skip }
  corroborate:
    - check: sandbox.bucket.get
      with: { bucket: "\${{ event.resource.bucket }}" }
      expect: result.access == "public"
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
  verify:
    check: sandbox.bucket.get
    with: { bucket: "\${{ event.resource.bucket }}" }
    expect: result.access == "private"
  notify: [{ channel: bench-hook, on: [failed, compensated, unverified, paused, needs_attention] }]
`;
  writeFileSync(
    join(dir, 'workflows/no-match.yaml'),
    workflowFor('no-match', 'bench.nomatch', 'event.severity == "critical"', 'dry-run'),
  );
  writeFileSync(
    join(dir, 'workflows/matches.yaml'),
    workflowFor('matches', 'bench.match', 'event.resource.bucket != ""', 'dry-run'),
  );
  const file = join(dir, 'rectify.yaml');
  writeFileSync(
    file,
    `apiVersion: rectify.dev/v1
kind: Config
store: sqlite:${join(dir, 'rectify.db')}
workflows: ./workflows
sources:
  - name: bench
    type: webhook
    format: generic
    auth: { bearer: env:BENCH_SOURCE_TOKEN }
credentials:
  - name: sandbox-bench
    connector: sandbox
    scopes: [sandbox.bucket.get, sandbox.bucket.set-access]
channels:
  - name: bench-hook
    type: webhook
    url: http://127.0.0.1:9/never-called
`,
  );
  return file;
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(new Error(`${what} did not start within 60 s:\n${seen}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const found = pattern.exec(seen);
      if (found) {
        clearTimeout(timer);
        resolve(found[1] ?? found[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      reject(new Error(`${what} exited (${code}) before it listened:\n${seen}`));
    });
  });
}

async function startHello(): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    const Fastify = (await import(${JSON.stringify(join(root, 'node_modules/fastify/fastify.js'))})).default;
    const app = Fastify({ logger: false });
    app.get('/', async () => ({ hello: 'world' }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    console.log('listening http://127.0.0.1:' + app.server.address().port);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForLine(child, /listening (http:\/\/\S+)/, 'hello-world');
  return { url, child };
}

async function startRectify(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const file = config(dir);
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin/rectify.js'),
      'serve',
      '--config',
      file,
      '--listen',
      '127.0.0.1:0',
      '--log-level',
      'warn',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_SOURCE_TOKEN: token, NO_COLOR: '1' },
      cwd: dir,
    },
  );
  const url = await waitForLine(child, /(http:\/\/127\.0\.0\.1:\d+)/, 'rectify serve');
  return { url, child };
}

let counter = 0;
function eventBody(type: string): string {
  counter += 1;
  return JSON.stringify({
    source: 'bench',
    id: `ev-${process.pid}-${counter}`,
    type,
    time: new Date().toISOString(),
    severity: 'high',
    resource: { id: `bucket/b${counter % 1000}`, kind: 'bucket', bucket: `b${counter % 1000}` },
    data: {},
  });
}

interface Figure {
  readonly scenario: string;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly total: number;
}

async function measure(scenario: string, options: autocannon.Options): Promise<Figure> {
  // A warm-up, not measured: the JIT compiles the hot paths, SQLite's pages and the WAL settle.
  await autocannon({ connections, duration: warmup, ...options });
  const result = await autocannon({ connections, duration, ...options });
  const figure: Figure = {
    scenario,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
  process.stdout.write(`${JSON.stringify(figure)}\n`);
  return figure;
}

const dir = mkdtempSync(join(tmpdir(), 'rectify-bench-server-'));
const children: ChildProcess[] = [];
try {
  const hello = await startHello();
  children.push(hello.child);
  const helloFigure = await measure('hello', { url: hello.url });
  hello.child.kill();

  const rectify = await startRectify(dir);
  children.push(rectify.child);
  const post = (type: string): autocannon.Options => ({
    url: `${rectify.url}/v1/sources/bench/events`,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: eventBody(type) }) }],
  });
  const ingest = await measure('ingest', post('bench.nomatch'));
  const withRuns = await measure('ingest+runs', post('bench.match'));
  rectify.child.kill('SIGTERM');

  const ratio = Math.round((ingest.requestsPerSecond / helloFigure.requestsPerSecond) * 100) / 100;
  const summary = {
    summary: true,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    connections,
    durationSeconds: duration,
    hello: helloFigure.requestsPerSecond,
    ingest: ingest.requestsPerSecond,
    ingestWithRuns: withRuns.requestsPerSecond,
    ratio,
    targets: {
      ingest: { target: 15_000, met: ingest.requestsPerSecond >= 15_000 },
      ratio: { target: 0.3, met: ratio >= 0.3 },
    },
    non2xx: ingest.non2xx + withRuns.non2xx,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (summary.non2xx > 0 || ingest.errors > 0) process.exitCode = 1;
  if (strict && !(summary.targets.ingest.met && summary.targets.ratio.met)) process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
