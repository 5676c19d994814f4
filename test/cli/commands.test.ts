import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaFileName, schemaNames } from '../../src/core/model/json-schema.js';
import { runCli } from '../helpers/run-cli.js';

const root = join(import.meta.dirname, '..', '..');

describe('rectify schema', () => {
  it.each(schemaNames)('prints the committed %s schema', async (name) => {
    const run = await runCli(['schema', name]);
    expect(run.code).toBe(0);
    const committed = readFileSync(join(root, 'schemas', schemaFileName(name)), 'utf8');
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(committed));
  });

  it('rejects an unknown kind with exit 2', async () => {
    const run = await runCli(['schema', 'workflows']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Allowed choices are workflow, config, test');
  });
});

describe('rectify actions', () => {
  it('labels the sandbox as simulated and lists inverses', async () => {
    const run = await runCli(['actions', '--connector', 'sandbox']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SIMULATED');
    expect(run.stdout).toMatch(
      /sandbox\.bucket\.set-access\s+write, idempotent; undo: sandbox\.bucket\.set-access/,
    );
  });

  it('says which connectors exist when asked for an unknown one', async () => {
    const run = await runCli(['actions', '--connector', 'oracle']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('connectors: ');
  });

  it('emits the catalog as JSON', async () => {
    const run = await runCli(['actions', '--format', 'json']);
    const actions = JSON.parse(run.stdout) as { id: string; effect: string; status: string }[];
    expect(actions.find((a) => a.id === 'sandbox.bucket.get')).toMatchObject({
      effect: 'read',
      status: 'simulated',
    });
    expect(actions.find((a) => a.id === 'postgres.schema.revoke')).toMatchObject({
      effect: 'write',
      status: 'real',
    });
  });
});

describe('rectify --help and --version', () => {
  it('prints help for every command with exit 0', async () => {
    for (const command of ['validate', 'plan', 'schema', 'actions']) {
      const run = await runCli([command, '--help']);
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toContain(`Usage: rectify ${command}`);
    }
  });

  it('prints the package version', async () => {
    const run = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 for an unknown command, suggesting the closest', async () => {
    const run = await runCli(['valdate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('(Did you mean validate?)');
  });
});
