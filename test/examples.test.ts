import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../src/connectors/catalog.js';
import { loadDocument } from '../src/core/loader/load-document.js';
import { eventSchema } from '../src/core/model/event.js';
import { toCel } from '../src/core/expr/values.js';
import { loadProject } from '../src/project/load-project.js';
import { runCli } from './helpers/run-cli.js';

const root = join(import.meta.dirname, '..');
const catalog = defaultCatalog();

describe('examples/', () => {
  it('validates: every file loads, exit 0', async () => {
    const run = await runCli(['validate', 'examples'], { cwd: root });
    expect(run.stdout).not.toContain('error');
    expect(run.code).toBe(0);
  });

  it('has at least seven workflows, each with a test that acts and a test where nothing happens', async () => {
    const project = await loadProject(['examples'], { catalog, cwd: root });
    expect(project.workflows.length).toBeGreaterThanOrEqual(7);
    for (const workflow of project.workflows) {
      const tests = project.tests
        .filter((t) => t.test.workflow === workflow.name)
        .flatMap((t) => t.test.cases);
      expect(
        tests.some((c) => (c.expect.actions ?? []).length > 0),
        `${workflow.name} acts in some case`,
      ).toBe(true);
      expect(
        tests.some((c) => c.expect.actions !== undefined && c.expect.actions.length === 0),
        `${workflow.name} has a case where nothing happens`,
      ).toBe(true);
    }
  });

  it('ships a sample event per workflow that its trigger accepts', async () => {
    const project = await loadProject(['examples'], { catalog, cwd: root });
    for (const workflow of project.workflows) {
      const file = join(root, 'examples', 'events', `${workflow.name}.json`);
      expect(existsSync(file), `examples/events/${workflow.name}.json`).toBe(true);
      const event = eventSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      expect(event.source, workflow.name).toBe(workflow.workflow.spec.trigger.source);
      expect(workflow.workflow.spec.trigger.types, workflow.name).toContain(event.type);
      const matched = workflow.match
        ? workflow.match.evaluate({ event: toCel(event), now: new Date('2026-11-27T12:00:00Z') })
        : true;
      expect(matched, `${workflow.name} matches its sample event`).toBe(true);
    }
  });

  it('keeps the sandbox example on simulated actions only, so the quickstart touches no real system', async () => {
    const project = await loadProject(['examples'], { catalog, cwd: root });
    const sandbox = project.workflows.find((w) => w.name === 'sandbox-public-bucket');
    expect(sandbox?.steps.every((s) => s.action.simulated)).toBe(true);
  });

  it('README and docs workflow examples are valid', () => {
    for (const file of ['README.md', ...['workflows.md', 'cli.md'].map((f) => join('docs', f))]) {
      const path = join(root, file);
      if (!existsSync(path)) continue;
      const blocks = [...readFileSync(path, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map(
        (m) => m[1] ?? '',
      );
      for (const [index, block] of blocks.entries()) {
        if (!/^kind: (Workflow|Config|WorkflowTest)$/m.test(block) || !/^apiVersion:/m.test(block)) continue;
        const result = loadDocument(`${file}#${index}`, block, { catalog });
        expect(result.diagnostics, `${file} yaml block ${index}`).toEqual([]);
      }
    }
  });
});
