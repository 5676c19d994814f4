import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { bucketEvent, pgWorkflow, testEnv, type ServerHarness } from '../server/harness.js';
import { examplesDir } from './delivery.js';
import { rejections, sourcesConfig, sourcesHarness } from './route-harness.js';

let h: ServerHarness;
let server: string;
let dir: string;
const env = { ...testEnv, NO_COLOR: '1' };

beforeAll(async () => {
  h = await sourcesHarness();
  server = await h.app.listen({ host: '127.0.0.1', port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'rectify-events-send-'));
  writeFileSync(join(dir, 'rectify.yaml'), sourcesConfig);
  writeFileSync(join(dir, 'bucket.json'), JSON.stringify(bucketEvent(pgWorkflow, 'cli-1')));
  writeFileSync(
    join(dir, 'signed.json'),
    JSON.stringify({ ...bucketEvent(pgWorkflow, 'cli-2'), source: 'signed' }),
  );
});
afterAll(async () => {
  await h.close();
});

const send = (...args: string[]) =>
  runCli(['events', 'send', ...args, '--server', server, '--config', 'rectify.yaml'], { cwd: dir, env });

describe('rectify events send', () => {
  it('posts with the bearer token the config names, and prints the event and its run', async () => {
    const result = await send('bucket.json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/bucket\.json -> sandbox: 1 accepted, 0 already received/);
    expect(result.stdout).toMatch(/cli-1 {2}accepted as event #\d+; run run_\S+ \(pg-bucket\)/);
    expect(result.stdout).toMatch(/see a run: rectify runs show run_/);
    const again = await send('bucket.json');
    expect(again.stdout).toMatch(/already received as event/);
  });

  it('signs with HMAC for an HMAC source (secret from the environment variable of the config)', async () => {
    const result = await send('signed.json');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/signed\.json -> signed: 1 accepted/);
  });

  it('an alertmanager webhook, with --source', async () => {
    const file = resolve(examplesDir, 'events', 'alertmanager-webhook.json');
    const result = await send(file, '--source', 'alertmanager');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/5c9e3f4a1b2d7e08:2026-11-27T09:58:12.481Z {2}accepted/);
  });

  it('a refusal is printed with its status and detail, exit 1', async () => {
    const before = (await rejections(h.store)).length;
    const result = await runCli(
      ['events', 'send', 'bucket.json', '--server', server, '--token', 'WRONG_TOKEN'],
      { cwd: dir, env: { ...env, WRONG_TOKEN: 'not-it' } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refused bucket\.json -> sandbox: 401 Unauthorized/);
    expect((await rejections(h.store)).length).toBe(before + 1);
  });

  it('says what to do without a source or a server', async () => {
    writeFileSync(join(dir, 'nosource.json'), '{"id":"x"}');
    const noSource = await send('nosource.json');
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/--source/);
    const down = await runCli(['events', 'send', 'bucket.json', '--server', 'http://127.0.0.1:9'], {
      cwd: dir,
      env,
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
