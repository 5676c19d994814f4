import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * What people and tools read, pinned: a change to any rule's wording, position or SARIF shape
 * shows up here for a reviewer to accept (`npx vitest run -u`) or reject.
 */
describe('review output snapshots for a small project', () => {
  it('text', async () => {
    const run = await runCli(['review', '--today', '2026-11-27', 'test/fixtures/review-project'], {
      cwd: root,
    });
    await expect(run.stdout).toMatchFileSnapshot('__snapshots__/review-project.txt');
  });

  it('sarif', async () => {
    const run = await runCli(
      ['review', '--format', 'sarif', '--today', '2026-11-27', 'test/fixtures/review-project'],
      { cwd: root },
    );
    const log = JSON.parse(run.stdout) as { runs: { tool: { driver: { semanticVersion?: string } } }[] };
    // The version changes with every release; everything else must not change unnoticed.
    for (const r of log.runs) delete r.tool.driver.semanticVersion;
    await expect(`${JSON.stringify(log, null, 2)}\n`).toMatchFileSnapshot(
      '__snapshots__/review-project.sarif.json',
    );
  });
});
