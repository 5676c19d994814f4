import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import {
  sandboxName,
  sandboxWorkflow,
  workflowsHarness,
  type WorkflowsHarness,
} from '../server/workflows-harness.js';

let h: WorkflowsHarness;
let server: string;
let dir: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  h = await workflowsHarness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  server = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  for (const subject of ['user:alice', 'user:bob', 'user:frank'])
    tokens[subject] = (await h.auth(subject)).authorization?.slice('Bearer '.length) ?? '';
  dir = mkdtempSync(join(tmpdir(), 'rectify-apply-'));
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const as = (subject: string, args: string[]) =>
  runCli([...args, '--server', server], { cwd: dir, env: { NO_COLOR: '1', RECTIFY_TOKEN: tokens[subject] } });
const write = (name: string, text: string): void => {
  writeFileSync(join(dir, name), text);
};

describe('rectify apply against a listening server', () => {
  it('proposes changed workflows, never activates, and says what to do next', async () => {
    const dry = sandboxWorkflow('dry-run');
    write('sandbox-public-bucket.yaml', dry.content);
    write('sandbox-public-bucket.test.yaml', dry.tests);
    write('rectify.yaml', 'apiVersion: rectify.dev/v1\nkind: Config\n'); // not a workflow: skipped

    const first = await as('user:alice', ['apply', '.']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain(
      `sandbox-public-bucket.yaml: proposed ${sandboxName} version 1 (review: 0 blocking)`,
    );
    expect(first.stdout).toContain(`next: rectify workflows activate ${sandboxName} 1`);
    expect(first.code).toBe(0);
    expect(h.engine.activeWorkflows()).toEqual([]);

    const again = await as('user:alice', ['apply', '.']);
    expect(again.stdout).toContain(
      `unchanged (already proposed as ${sandboxName} version 1, awaiting activation)`,
    );
    expect(again.code).toBe(0);

    const own = await as('user:alice', ['workflows', 'activate', sandboxName, '1']);
    expect(own.code).toBe(1);
    expect(own.stderr).toContain('403 Forbidden');
    const activated = await as('user:bob', ['workflows', 'activate', sandboxName, '1']);
    expect(activated.stdout.trim()).toBe(`${sandboxName}: version 1 is active`);
    expect(activated.code).toBe(0);
    expect(h.engine.activeWorkflows().map((w) => w.name)).toEqual([sandboxName]);

    const unchanged = await as('user:alice', ['apply', '.']);
    expect(unchanged.stdout.trim()).toBe(
      `sandbox-public-bucket.yaml: unchanged (${sandboxName} version 1 is active)`,
    );
  });

  it('proposes an enforce version once a dry-run ran; lists, shows versions and diffs them', async () => {
    write('sandbox-public-bucket.yaml', sandboxWorkflow('enforce').content);
    const applied = await as('user:alice', ['apply', '.']);
    expect(applied.stdout).toContain(`proposed ${sandboxName} version 2 (review: 0 blocking)`);
    expect(applied.code).toBe(0);

    const list = await as('user:frank', ['workflows', 'list']);
    expect(list.stdout).toContain(
      `${sandboxName}  active  active: 1  latest: 2  dry-run  owner: team:cloud-security`,
    );
    const versions = await as('user:frank', ['workflows', 'versions', sandboxName]);
    expect(versions.stdout).toMatch(/^\* 1 .* user:alice {2}dry-run {2}review: 0 blocking/m);
    expect(versions.stdout).toMatch(/^ {2}2 .* enforce/m);
    const diff = await as('user:frank', ['workflows', 'diff', sandboxName, '1', '2']);
    expect(diff.stdout).toContain('-  mode: dry-run\n+  mode: enforce');
    const json = await as('user:frank', ['workflows', 'list', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      workflows: [{ name: sandboxName, overdueReview: false }],
    });
  });

  it('exits 1 for a file that does not load or a version the review blocks, printing why', async () => {
    write(
      'sandbox-public-bucket.yaml',
      sandboxWorkflow('enforce').content.replace('types: [sandbox.bucket.public]', 'types: ["*"]'),
    );
    write(
      'broken.yaml',
      'apiVersion: rectify.dev/v1\nkind: Workflow\nmetadata:\n  name: broken-one\n  owner: nobody\n',
    );
    const result = await as('user:alice', ['apply', '.']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /broken\.yaml: rejected: 400 Bad Request: the proposed workflow does not load: broken\.yaml:\d+:\d+/,
    );
    expect(result.stdout).toMatch(/^ {2}broken\.yaml:\d+:\d+: /m);
    expect(result.stdout).toContain(`sandbox-public-bucket.yaml: rejected: ${sandboxName} version 3 has`);
    expect(result.stdout).toMatch(/trigger\/wildcard-types/);
  });

  it('says what is wrong without a token or a server', async () => {
    const anonymous = await runCli(['workflows', 'list', '--server', server], { env: { NO_COLOR: '1' } });
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toContain('no API token');
    const unknown = await runCli(['workflows', 'list', '--server', server], {
      env: { NO_COLOR: '1', RECTIFY_TOKEN: 'nope' },
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('401 Unauthorized');
    const nowhere = await runCli(['apply', dir, '--server', 'http://127.0.0.1:1'], {
      env: { NO_COLOR: '1', RECTIFY_TOKEN: 'any' },
    });
    expect(nowhere.code).toBe(3);
    expect(nowhere.stderr).toContain('cannot reach http://127.0.0.1:1');
  });
});
