import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const root = join(import.meta.dirname, '..', '..');
const project = join(root, 'test', 'fixtures', 'review-project');
const review = (args: string[], cwd = root) => runCli(['review', '--today', '2026-11-27', ...args], { cwd });

function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-review-'));
  cpSync(project, dir, { recursive: true });
  return dir;
}

describe('rectify review', () => {
  it('exits 0 on the examples: no blocking finding', async () => {
    const run = await review(['examples']);
    expect(run.stdout).toContain('0 blocking');
    expect(run.code).toBe(0);
  });

  it('exits 1 on a blocking finding, and names the rule and the place', async () => {
    const run = await review([project]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/risky\.yaml:14:13 error trigger\/wildcard-types/);
  });

  it('--fail-on critical lets a high finding through; --min-confidence high keeps it blocking', async () => {
    expect((await review(['--fail-on', 'critical', project])).code).toBe(0);
    expect((await review(['--min-confidence', 'high', project])).code).toBe(1);
  });

  it('exits 2 on a bad option value and 3 on no input', async () => {
    expect((await review(['--fail-on', 'severe', project])).code).toBe(2);
    expect((await review(['--output', 'pdf=x.pdf', project])).code).toBe(2);
    expect((await review(['--today', 'tomorrow', project])).code).toBe(2);
    expect((await review(['no-such-dir'])).code).toBe(3);
  });

  it('exits 3 on a file that is not parseable YAML, and 1 on one that does not validate', async () => {
    const dir = copyProject();
    writeFileSync(join(dir, 'broken.yaml'), 'kind: Workflow\nspec: [unclosed\n');
    expect((await review(['.'], dir)).code).toBe(3);
    const other = copyProject();
    writeFileSync(
      join(other, 'clean.yaml'),
      readFileSync(join(other, 'clean.yaml'), 'utf8').replace('mode: enforce', 'mode: enforced'),
    );
    const run = await review(['--fail-on', 'critical', '.'], other);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('review/invalid-file');
  });

  it('writes several formats at once with --output', async () => {
    const dir = copyProject();
    const run = await review(
      [
        '--format',
        'github',
        '--output',
        'sarif=out.sarif',
        '--output',
        'junit=out.xml',
        '--output',
        'json=out.json',
        '.',
      ],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^::error file=risky\.yaml,line=14,col=13,endLine=14,endColumn=16,title=trigger\/wildcard-types \(high\)::/m,
    );
    expect(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
    const junit = readFileSync(join(dir, 'out.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="rectify review" tests="\d+" failures="1">/);
    expect(junit).toContain('<failure message="this workflow writes');
    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      version: number;
      summary: { blocking: number };
      findings: { ruleId: string; blocking: boolean }[];
    };
    expect(json.version).toBe(1);
    expect(json.summary.blocking).toBe(1);
    expect(json.findings.find((f) => f.ruleId === 'trigger/wildcard-types')?.blocking).toBe(true);
  });

  it("a baseline accepts today's findings; only new ones block", async () => {
    const dir = copyProject();
    const write = await review(['--write-baseline', 'baseline.json', '.'], dir);
    expect(write.code).toBe(0);
    const baseline = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')) as {
      version: number;
      findings: { ruleId: string }[];
    };
    expect(baseline.findings.map((f) => f.ruleId)).toContain('trigger/wildcard-types');
    expect((await review(['--baseline', 'baseline.json', '.'], dir)).code).toBe(0);
    // A new flaw in another workflow is not in the baseline.
    writeFileSync(
      join(dir, 'clean.yaml'),
      readFileSync(join(dir, 'clean.yaml'), 'utf8').replace('types: [sandbox.bucket.public]', 'types: ["*"]'),
    );
    const after = await review(['--baseline', 'baseline.json', '.'], dir);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/clean\.yaml:\d+:\d+ error trigger\/wildcard-types/);
    expect(after.stdout).not.toMatch(/risky\.yaml:\d+:\d+ error/);
  });

  it('refuses a baseline that is not one', async () => {
    const dir = copyProject();
    writeFileSync(join(dir, 'baseline.json'), '{"findings": 3}');
    const run = await review(['--baseline', 'baseline.json', '.'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a Rectify baseline');
  });

  it('honours inline suppressions, and --no-ignores shows everything', async () => {
    const dir = copyProject();
    const risky = readFileSync(join(dir, 'risky.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'risky.yaml'),
      risky.replace(
        '    types: ["*"]',
        '    # rectify: ignore[trigger/wildcard-types] reason="bucket events only" until=2027-01-31\n    types: ["*"]',
      ),
    );
    const quiet = await review(['.'], dir);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toContain('1 suppressed');
    expect((await review(['--no-ignores', '.'], dir)).code).toBe(1);
  });
});
