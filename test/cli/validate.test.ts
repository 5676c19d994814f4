import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'cli');

describe('rectify validate', () => {
  it('exits 0 and says ok for a valid workflow', async () => {
    const run = await runCli(['validate', join(fixtures, 'valid-workflow.yaml')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ok\s+.*valid-workflow\.yaml \(Workflow close-public-bucket\)/);
    expect(run.stdout).toContain('1 file(s) valid');
  });

  it('exits 1 with the file:line:column of a broken CEL expression', async () => {
    const run = await runCli(['validate', 'broken-cel.yaml'], { cwd: fixtures });
    expect(run.code).toBe(1);
    // `&&& true`: the third `&` is column 49 of line 12 (the expression starts at column 12).
    expect(run.stdout).toContain('broken-cel.yaml:12:49 error cel-syntax');
    expect(run.stdout).toContain('> 12 |     match: event.resource.bucket == "reports" &&& true');
    expect(run.stdout).toContain('hint:');
  });

  it('exits 3 for a file that is not parseable YAML, with its position', async () => {
    const run = await runCli(['validate', 'unparseable.yaml'], { cwd: fixtures });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/unparseable\.yaml:\d+:\d+ error yaml-syntax/);
  });

  it('exits 3 when a path does not exist, naming it', async () => {
    const run = await runCli(['validate', 'no-such-folder']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no-such-folder: no such file or folder');
  });

  it('exits 3 when a folder holds no YAML file', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'rectify-empty-'));
    const run = await runCli(['validate', empty]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no .yaml or .yml files found');
  });

  it('exits 2 on a usage error', async () => {
    const run = await runCli(['validate', '--format', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("argument 'xml' is invalid");
  });

  it('reports every file of a folder, invalid and valid, in --format json', async () => {
    const run = await runCli(['validate', '--format', 'json', 'valid-workflow.yaml', 'broken-cel.yaml'], {
      cwd: fixtures,
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      version: number;
      valid: boolean;
      files: {
        file: string;
        valid: boolean;
        diagnostics: { code: string; line: number; column: number }[];
      }[];
    };
    expect(report.version).toBe(1);
    expect(report.valid).toBe(false);
    const byFile = Object.fromEntries(report.files.map((f) => [f.file, f]));
    expect(byFile['valid-workflow.yaml']?.valid).toBe(true);
    expect(byFile['broken-cel.yaml']?.diagnostics).toEqual([
      expect.objectContaining({ code: 'cel-syntax', line: 12, column: 49 }),
    ]);
  });

  it('finds duplicate workflow names across files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rectify-dup-'));
    const text = (await import('node:fs')).readFileSync(join(fixtures, 'valid-workflow.yaml'), 'utf8');
    writeFileSync(join(dir, 'a.yaml'), text);
    writeFileSync(join(dir, 'b.yaml'), text);
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/b\.yaml:4:9 error duplicate-workflow-name/);
  });

  it('accepts a shadow candidate beside the version of the same name it is compared with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rectify-shadow-'));
    const text = (await import('node:fs')).readFileSync(join(fixtures, 'valid-workflow.yaml'), 'utf8');
    writeFileSync(join(dir, 'a.yaml'), text.replace('mode: dry-run', 'mode: enforce'));
    writeFileSync(join(dir, 'b.yaml'), text.replace('mode: dry-run', 'mode: shadow'));
    expect((await runCli(['validate', dir])).code).toBe(0);
    writeFileSync(join(dir, 'c.yaml'), text.replace('mode: dry-run', 'mode: shadow'));
    expect((await runCli(['validate', dir])).stdout).toMatch(/c\.yaml:4:9 error duplicate-workflow-name/);
  });

  it('prints no colour when NO_COLOR is set, even when forced', async () => {
    const run = await runCli(['validate', join(fixtures, 'broken-cel.yaml')], {
      env: { NO_COLOR: '1', FORCE_COLOR: '1' },
    });
    expect(run.stdout).not.toContain('\u001b[');
    const coloured = await runCli(['validate', join(fixtures, 'broken-cel.yaml')], {
      env: { FORCE_COLOR: '1' },
    });
    expect(coloured.stdout).toContain('\u001b[31merror');
  });
});
