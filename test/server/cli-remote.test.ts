import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { loadDocument } from '../../src/core/loader/load-document.js';
import { serve, type RunningServer } from '../../src/server/serve.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runCli } from '../helpers/run-cli.js';
import { readFileSync } from 'node:fs';

/**
 * The quickstart's config and workflows, served in-process on a free port, driven by the CLI's
 * remote commands (`--server` + a token) as a person would.
 */
describe('rectify serve + remote CLI commands', () => {
  let dir: string;
  let server: RunningServer;
  let store: SqliteStore;
  let adminToken: string;
  const sandboxToken = 'sandbox-source-token-for-tests-123';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rectify-serve-'));
    cpSync('examples', dir, { recursive: true });
    const configFile = join(dir, 'rectify.yaml');
    const catalog = defaultCatalog();
    const loaded = loadDocument('rectify.yaml', readFileSync(configFile, 'utf8'), {
      catalog,
      expect: 'Config',
    });
    if (loaded.document?.kind !== 'Config') throw new Error('the example config does not load');
    // The sandbox source's token is a file reference of the example config (npm start makes it).
    mkdirSync(join(dir, '.rectify'), { recursive: true });
    writeFileSync(join(dir, '.rectify', 'sandbox-source.token'), `${sandboxToken}\n`);
    store = SqliteStore.open(join(dir, '.rectify', 'rectify.db'));
    server = await serve({
      config: loaded.document.config,
      configFile,
      store,
      catalog,
      env: {},
      host: '127.0.0.1',
      port: 0,
      log: { level: 'warn', stream: { write: () => undefined } },
    });
    if (server.bootstrap.kind !== 'created') throw new Error('expected a bootstrap token on first start');
    adminToken = server.bootstrap.secret;
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (token = adminToken) => ({ NO_COLOR: '1', RECTIFY_SERVER: server.url, RECTIFY_TOKEN: token });

  it('starts despite missing secrets, and names them', () => {
    expect(server.warnings.join('\n')).toContain('AM_TOKEN');
    expect(server.warnings.join('\n')).not.toContain(sandboxToken);
  });

  it('a source whose secret is missing answers 503 naming the variable; the sandbox source works', async () => {
    const missing = await fetch(`${server.url}/v1/sources/alertmanager/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: '{}',
    });
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('AM_TOKEN');
    const event = readFileSync(join(dir, 'events', 'sandbox-public-bucket.json'), 'utf8');
    const accepted = await fetch(`${server.url}/v1/sources/sandbox/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sandboxToken}` },
      body: event,
    });
    expect(accepted.status).toBe(202);
    await server.engine.idle({ timers: true });
  });

  it('token create on the store, then runs list/show through the API', async () => {
    const created = await runCli(
      [
        'token',
        'create',
        '--subject',
        'user:frank',
        '--expires',
        '1d',
        '--store',
        `sqlite:${join(dir, '.rectify', 'rectify.db')}`,
      ],
      {
        env: { NO_COLOR: '1' },
      },
    );
    expect(created.code, created.stderr).toBe(0);
    const frank = created.stdout.trim();
    expect(frank).toMatch(/^rfy_/);
    const list = await runCli(['runs', 'list', '--format', 'json'], { env: env(frank) });
    expect(list.code, list.stderr).toBe(0);
    const runs = (JSON.parse(list.stdout) as { runs: { id: string; workflow: string }[] }).runs;
    const run = runs.find((r) => r.workflow === 'sandbox-public-bucket');
    expect(run).toBeDefined();
    const show = await runCli(['runs', 'show', run?.id ?? ''], { env: env(frank) });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('run.created');
    // frank (security-auditor) may read, not pause.
    const pause = await runCli(['pause', 'sandbox-public-bucket'], { env: env(frank) });
    expect(pause.code).toBe(1);
    expect(pause.stderr).toContain('403');
  });

  it('runs rollback undoes the sandbox run through the API; a second rollback is refused', async () => {
    const list = await runCli(['runs', 'list', '--workflow', 'sandbox-public-bucket', '--format', 'json'], {
      env: env(),
    });
    const runs = (JSON.parse(list.stdout) as { runs: { id: string; outcome: string | null }[] }).runs;
    const succeeded = runs.find((r) => r.outcome === 'succeeded');
    expect(succeeded, list.stdout).toBeDefined();
    const rolled = await runCli(['runs', 'rollback', succeeded?.id ?? ''], { env: env() });
    expect(rolled.stderr).toBe('');
    expect(rolled.stdout).toContain('rolled back (rolled-back)');
    const again = await runCli(['runs', 'rollback', succeeded?.id ?? ''], { env: env() });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('409');
  });

  it('pause, resume, kill switch with the admin token; tokens through the API', async () => {
    expect(
      (await runCli(['pause', 'sandbox-public-bucket', '--reason', 'drill'], { env: env() })).stdout,
    ).toContain('paused: drill');
    expect((await runCli(['resume', 'sandbox-public-bucket'], { env: env() })).code).toBe(0);
    expect((await runCli(['kill-switch', 'on'], { env: env() })).code).toBe(0);
    expect((await runCli(['kill-switch', 'status'], { env: env() })).stdout).toContain('ON');
    expect((await runCli(['kill-switch', 'off'], { env: env() })).code).toBe(0);
    const created = await runCli(['token', 'create', '--subject', 'service:ci', '--format', 'json'], {
      env: env(),
    });
    expect(created.code, created.stderr).toBe(0);
    const id = (JSON.parse(created.stdout) as { id: string }).id;
    expect((await runCli(['token', 'list'], { env: env() })).stdout).toContain(id);
    expect((await runCli(['token', 'revoke', id], { env: env() })).code).toBe(0);
  });

  it('refusals and failures have exit codes: no token 2, bad token 1, unknown run 1, no server 3', async () => {
    expect(
      (await runCli(['runs', 'cancel', 'run_x'], { env: { NO_COLOR: '1', RECTIFY_SERVER: server.url } }))
        .code,
    ).toBe(2);
    const bad = await runCli(['runs', 'approve', 'run_x'], { env: env('rfy_not-a-real-token-at-all-000') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('401');
    expect((await runCli(['runs', 'approve', 'run_x'], { env: env() })).code).toBe(1);
    const down = await runCli(['kill-switch', 'status', '--server', 'http://127.0.0.1:9'], { env: env() });
    expect(down.code).toBe(3);
    writeFileSync(join(dir, 'token.txt'), `${adminToken}\n`);
    const fromFile = await runCli(['kill-switch', 'status', '--token-file', join(dir, 'token.txt')], {
      env: { NO_COLOR: '1', RECTIFY_SERVER: server.url },
    });
    expect(fromFile.code, fromFile.stderr).toBe(0);
  });
});
