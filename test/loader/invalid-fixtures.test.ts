import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { loadDocument, type DocumentKind } from '../../src/core/loader/load-document.js';
import { loaderLimits } from '../../src/core/loader/source-document.js';
import {
  actualKeys,
  positionProblems,
  readInvalidFixtures,
  readValidFixtures,
  type InvalidFixture,
} from '../helpers/loader-fixtures.js';

/**
 * Every invalid fixture under test/fixtures/loader/invalid must produce exactly the diagnostics its
 * header states: the same set of (code, line, column), each problem once, each diagnostic complete
 * (message, path, hint where the fix is obvious, a position inside the file). Fixtures marked
 * `# known-bad` document a loader defect: they run as `it.fails` and flip when it is fixed.
 */

const catalog = defaultCatalog();
const fixtures = readInvalidFixtures();

/** Codes whose diagnostics may come without a hint: the message says all there is to say. */
const hintOptional = new Set([
  'wrong-type',
  'too-small',
  'too-big',
  'empty-list',
  'invalid-format',
  'unknown-kind',
]);

function load(fixture: Pick<InvalidFixture, 'name' | 'text' | 'expect'>) {
  return loadDocument(fixture.name, fixture.text, {
    catalog,
    ...(fixture.expect ? { expect: fixture.expect } : {}),
  });
}

function assertFixture(fixture: Pick<InvalidFixture, 'name' | 'text' | 'expected' | 'expect'>): void {
  const result = load(fixture);
  const found = result.diagnostics
    .map((d) => `${d.code} ${d.line}:${d.column} [${d.path}] ${d.message}`)
    .join('\n');

  expect(actualKeys(result), `diagnostics of ${fixture.name}:\n${found}`).toEqual(fixture.expected);

  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.length, 'an invalid file has at least one error').toBeGreaterThan(0);
  expect(result.document, 'a file with errors yields no document').toBeUndefined();

  const seen = new Map<string, number>();
  for (const d of result.diagnostics) {
    const key = `${d.code} ${d.path} ${d.line}:${d.column}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const repeated = [...seen]
    .filter(([, count]) => count > 1)
    .map(([key, count]) => `${key} (${count} times)`);
  expect(repeated, 'each problem is reported once').toEqual([]);

  for (const d of result.diagnostics) {
    const where = `${d.code} at ${d.line}:${d.column}`;
    expect(d.file, where).toBe(fixture.name);
    expect(d.message.trim(), `${where}: message`).not.toBe('');
    expect(d.path.trim(), `${where}: path`).not.toBe('');
    if (!hintOptional.has(d.code)) expect(d.hint?.trim() ?? '', `${where}: hint`).not.toBe('');
    expect(positionProblems(fixture.text, d), `${where}: position`).toEqual([]);
  }
}

const goodFixtures = fixtures.filter((f) => f.knownBad === undefined);
const knownBadFixtures = fixtures.filter((f) => f.knownBad !== undefined);

describe('invalid fixtures', () => {
  it('form a corpus of at least 45 files', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(45);
  });

  it.each(goodFixtures)('$name', (fixture) => {
    assertFixture(fixture);
  });

  // Each of these is a genuine loader defect, described in the fixture's `# known-bad:` line.
  it.fails.each(knownBadFixtures)('$name (known-bad: $knownBad)', (fixture) => {
    assertFixture(fixture);
  });
});

/** A valid workflow to build generated cases from. */
const validWorkflow = readValidFixtures().find((f) => f.name === 'workflow-minimal.yaml')?.text ?? '';

/** Cases too binary or too big to commit as files. */
const generated: { name: string; text: string; expected: string[]; expect?: DocumentKind }[] = [
  { name: 'empty.yaml', text: '', expected: ['empty-file 1:1'] },
  { name: 'blank-lines.yaml', text: '\n\n   \n', expected: ['empty-file 1:1'] },
  {
    name: 'nul-bytes.yaml',
    text: `${validWorkflow}\u0000\u0000\u0000`,
    expected: ['not-yaml 1:1'],
  },
  {
    // A PNG saved with a .yaml name, read as UTF-8: invalid sequences decode to U+FFFD.
    name: 'image.yaml',
    text: new TextDecoder('utf-8').decode(
      Uint8Array.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff,
        0xd8,
      ]),
    ),
    expected: ['not-yaml 1:1'],
  },
  {
    // "Unicode" in a Windows editor: UTF-16LE, read as UTF-8, has a NUL after every ASCII character.
    name: 'utf16.yaml',
    text: new TextDecoder('utf-8').decode(Buffer.from(`\uFEFF${validWorkflow}`, 'utf16le')),
    expected: ['not-yaml 1:1'],
  },
  {
    name: 'oversized.yaml',
    text: `${validWorkflow}# ${'padding '.repeat(Math.ceil(loaderLimits.maxFileBytes / 8))}\n`,
    expected: ['file-too-large 1:1'],
  },
];

describe('generated invalid files', () => {
  it.each(generated)('$name', (fixture) => {
    assertFixture({ ...fixture, expect: fixture.expect });
  });
});

/**
 * Every diagnostic code must be demonstrated by a fixture or a generated case. The codes are the
 * ones docs/diagnostics.md documents, which test/docs-diagnostics.test.ts keeps equal to what the
 * loader's source emits. `duplicate-workflow-name` and `unknown-workflow` span files: the CLI
 * tests cover them.
 */
const crossFileCodes = new Set(['duplicate-workflow-name', 'unknown-workflow']);

describe('the fixture corpus', () => {
  it('demonstrates every diagnostic code the loader can emit', () => {
    const documentation = readFileSync(
      fileURLToPath(new URL('../../docs/diagnostics.md', import.meta.url)),
      'utf8',
    );
    const codes = new Set(
      [...documentation.matchAll(/^\| `([a-z-]+)`(?: \/ `([a-z-]+)`)? \|/gm)]
        .flatMap((m) => [m[1], m[2]])
        .filter((code): code is string => code !== undefined && !crossFileCodes.has(code)),
    );
    expect(codes.size).toBeGreaterThan(40);
    const demonstrated = new Set(
      [...fixtures.flatMap((f) => f.expected), ...generated.flatMap((g) => g.expected)].map(
        (key) => key.split(' ')[0],
      ),
    );
    expect([...codes].filter((code) => !demonstrated.has(code)).sort()).toEqual([]);
  });

  it('has several fixtures for the common codes', () => {
    const count = (code: string) =>
      fixtures.filter((f) => f.expected.some((key) => key.startsWith(`${code} `))).length;
    for (const code of [
      'yaml-syntax',
      'missing-field',
      'unknown-field',
      'wrong-type',
      'invalid-value',
      'cel-syntax',
      'cel-type',
      'unknown-action',
      'check-not-read',
      'literal-secret',
      'template-not-allowed',
    ]) {
      expect(count(code), code).toBeGreaterThanOrEqual(3);
    }
  });
});
