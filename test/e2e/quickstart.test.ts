import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The quickstart end to end, over real HTTP and real processes: `npm start`'s script serves a
 * copy of examples/, and the CLI talks to it as a newcomer would (issue 5, "Done when"): a
 * token-less request is refused; an author cannot activate their own version; an event sent with
 * `rectify events send` produces a completed run visible through `rectify runs show`; and
 * `rectify audit verify` passes. Needs the built CLI (dist/), as `npm test` builds it first.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'bin', 'rectify.js');

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function rectify(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

let dir = '';
let examples = '';
let server: ChildProcess | undefined;
let url = '';
let adminToken = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rectify-quickstart-'));
  examples = join(dir, 'examples');
  cpSync(join(root, 'examples'), examples, { recursive: true });
  server = spawn(process.execPath, [join(root, 'scripts', 'quickstart.js'), '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', RECTIFY_EXAMPLES_DIR: examples },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  server.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const served = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
    const token = /\b(rfy_[A-Za-z0-9_-]{20,})\b/.exec(stdout);
    if (served?.[1] && token?.[1]) {
      url = served[1];
      adminToken = token[1];
      return;
    }
    if (server.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the quickstart did not come up:\nstdout:\n${stdout}\nstderr:\n${stderr}`);
}, 90_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const config = () => ['--config', join(examples, 'rectify.yaml')];

describe('the quickstart, end to end over HTTP', () => {
  it('serves: health answers and a request without a token is refused with a problem document', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const refused = await fetch(`${url}/v1/runs`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await refused.json()) as { status: number; title: string };
    expect(problem.status).toBe(401);
    const withToken = await fetch(`${url}/v1/runs`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(withToken.status).toBe(200);
  });

  it('an event sent with `rectify events send` becomes a completed run that `rectify runs show` displays', async () => {
    const sent = await rectify([
      'events',
      'send',
      join(examples, 'events', 'sandbox-public-bucket.json'),
      ...config(),
      '--server',
      url,
    ]);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('1 accepted');
    const runId = /rectify runs show (run_\S+)/.exec(sent.stdout)?.[1];
    expect(runId).toBeDefined();

    let shown: CliResult | undefined;
    for (let i = 0; i < 100; i++) {
      shown = await rectify(['runs', 'show', runId ?? '', '--server', url], { RECTIFY_TOKEN: adminToken });
      if (shown.stdout.includes('succeeded')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(shown?.code).toBe(0);
    expect(shown?.stdout).toContain('succeeded');
    expect(shown?.stdout).toContain('sandbox.bucket.set-access');
  });

  it('an author cannot activate the version they proposed; another reviewer can', async () => {
    const bob = await rectify(['token', 'create', '--subject', 'user:bob', '--server', url], {
      RECTIFY_TOKEN: adminToken,
    });
    expect(bob.code).toBe(0);
    const bobToken = /\b(rfy_[A-Za-z0-9_-]{20,})\b/.exec(bob.stdout)?.[1] ?? '';

    // The admin (who may propose and activate) changes a workflow and applies the folder. The
    // change puts it in dry-run: an enforce version with no dry-run history would be blocked by
    // the review (change/enforce-without-dry-run-history), and this test is about who activates.
    const file = join(examples, 'workflows', 'sandbox-public-bucket.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}mode: enforce/m, '  mode: dry-run'));
    const applied = await rectify(['apply', join(examples, 'workflows'), '--server', url], {
      RECTIFY_TOKEN: adminToken,
    });
    expect(applied.code).toBe(0);
    const version = /proposed sandbox-public-bucket version (\d+)/.exec(applied.stdout)?.[1];
    expect(version, applied.stdout).toBeDefined();

    const own = await rectify(
      ['workflows', 'activate', 'sandbox-public-bucket', version ?? '', '--server', url],
      {
        RECTIFY_TOKEN: adminToken,
      },
    );
    expect(own.code).not.toBe(0);
    expect(own.stderr).toMatch(/separation-of-duties|authored|own/);

    const other = await rectify(
      ['workflows', 'activate', 'sandbox-public-bucket', version ?? '', '--server', url],
      {
        RECTIFY_TOKEN: bobToken,
      },
    );
    expect(other.stderr).toBe('');
    expect(other.code).toBe(0);
  });

  it('`rectify audit verify` passes on the store the server wrote', async () => {
    const verified = await rectify(['audit', 'verify', ...config()]);
    expect(verified.stdout).toContain('audit log intact');
    expect(verified.code).toBe(0);
  });
});
