import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runCli } from '../helpers/run-cli.js';

const root = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(
  readFileSync(join(root, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0-rtm.5.json'), 'utf8'),
) as object;
// The schema's language pattern is not valid as a unicode RegExp; SchemaStore's own validators read it without /u.
// A CommonJS module whose class is `exports.default`: required as CommonJS, it means one thing everywhere.
const Ajv = (createRequire(import.meta.url)('ajv-draft-04') as typeof AjvDraft04).default;
const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

interface SarifLog {
  runs: {
    tool: {
      driver: {
        rules: {
          id: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          help: { text: string; markdown: string };
          properties: Record<string, unknown>;
        }[];
      };
    };
    results: {
      ruleId: string;
      level: string;
      partialFingerprints: Record<string, string>;
      suppressions?: { kind: string; justification: string }[];
      locations: { physicalLocation: { region: Record<string, number> } }[];
    }[];
  }[];
}

async function sarifOf(paths: string[], extra: string[] = []): Promise<SarifLog> {
  const run = await runCli(['review', '--format', 'sarif', '--today', '2026-11-27', ...extra, ...paths], {
    cwd: root,
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as SarifLog;
}

describe('rectify review --format sarif', () => {
  it('validates against the SARIF 2.1.0 schema, for the examples and for a project with findings', async () => {
    for (const paths of [['examples'], ['test/fixtures/review-project']]) {
      const log = await sarifOf(paths);
      const valid = validate(log);
      expect(validate.errors ?? [], paths.join()).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it("meets GitHub code scanning's requirements on rules and results", async () => {
    const log = await sarifOf(['test/fixtures/review-project']);
    const run = log.runs[0];
    expect(run).toBeDefined();
    for (const rule of run?.tool.driver.rules ?? []) {
      expect(rule.shortDescription.text, rule.id).not.toBe('');
      expect(rule.fullDescription.text, rule.id).not.toBe('');
      expect(rule.help.markdown, rule.id).toContain(rule.id);
      expect(Number(rule.properties['security-severity']), rule.id).toBeGreaterThan(0);
    }
    const result = run?.results.find((r) => r.ruleId === 'trigger/wildcard-types');
    expect(result?.level).toBe('error');
    expect(result?.locations[0]?.physicalLocation.region).toEqual({
      startLine: 14,
      startColumn: 13,
      endLine: 14,
      endColumn: 16,
    });
    expect(Object.values(result?.partialFingerprints ?? {})[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps fingerprints when the file is re-indented or lines are added above', async () => {
    const { mkdtempSync, writeFileSync, cpSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'rectify-fp-'));
    cpSync(join(root, 'test', 'fixtures', 'review-project'), dir, { recursive: true });
    const fingerprints = async () => {
      const run = await runCli(['review', '--format', 'sarif', '--today', '2026-11-27', '.'], { cwd: dir });
      const log = JSON.parse(run.stdout) as SarifLog;
      return (log.runs[0]?.results ?? [])
        .map((r) => `${r.ruleId} ${Object.values(r.partialFingerprints).join()}`)
        .sort();
    };
    const before = await fingerprints();
    expect(before.length).toBeGreaterThan(0);
    const risky = readFileSync(join(dir, 'risky.yaml'), 'utf8');
    // Lines added above, and the whole file re-indented with four spaces instead of two.
    const reindented = parseDocument(risky).toString({ indent: 4, indentSeq: true });
    expect(reindented).not.toBe(risky);
    writeFileSync(join(dir, 'risky.yaml'), `# A comment added above.\n# And another.\n\n${reindented}`);
    expect(await fingerprints()).toEqual(before);
    // ...but a different offending value is a different finding.
    writeFileSync(join(dir, 'risky.yaml'), risky.replace('types: ["*"]', 'types: ["sandbox.*"]'));
    expect(await fingerprints()).not.toEqual(before);
  });

  it('keeps suppressed findings, marked, instead of dropping them', async () => {
    const log = await sarifOf([
      'test/fixtures/review/review/unused-suppression/valid/used-suppression.yaml',
      'test/fixtures/review/base-config.yaml',
    ]);
    const suppressed = log.runs[0]?.results.find((r) => r.ruleId === 'trigger/wildcard-types');
    expect(suppressed?.suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'scanner sends only bucket events (until 2027-01-31)',
      },
    ]);
    expect(validate(log)).toBe(true);
  });
});
